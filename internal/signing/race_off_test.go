//go:build !race

package signing

// raceEnabled: the race detector changes allocation counts.
const raceEnabled = false
