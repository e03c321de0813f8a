//go:build race

package site

// raceEnabled: the race detector changes allocation counts.
const raceEnabled = true
