//go:build race

package pagecache

// raceEnabled: the race detector changes allocation counts.
const raceEnabled = true
