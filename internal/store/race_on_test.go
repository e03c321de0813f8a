//go:build race

package store_test

// raceEnabled: the race detector changes what allocates (sync.Pool drops
// items at random), so allocation budgets are not checked under it.
const raceEnabled = true
