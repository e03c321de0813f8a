//go:build race

package markdown

// raceEnabled: the race detector changes allocation counts.
const raceEnabled = true
