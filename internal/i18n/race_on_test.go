//go:build race

package i18n

// raceEnabled: the race detector changes allocation counts.
const raceEnabled = true
