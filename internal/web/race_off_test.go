//go:build !race

package web

// raceEnabled: allocation counts differ under the race detector, so the
// budgets are checked only without it.
const raceEnabled = false
