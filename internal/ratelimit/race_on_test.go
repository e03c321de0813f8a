//go:build race

package ratelimit

// raceEnabled: allocation counts differ under the race detector, so they
// are checked only without it.
const raceEnabled = true
