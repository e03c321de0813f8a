//go:build race

package formtoken

// raceEnabled: allocation counts differ under the race detector, so they
// are checked only without it.
const raceEnabled = true
