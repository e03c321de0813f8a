//go:build race

package attribution

// raceEnabled: allocation counts differ under the race detector, so they
// are checked only without it.
const raceEnabled = true
