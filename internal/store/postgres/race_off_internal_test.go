//go:build !race

package postgres

// raceEnabled: see race_on_internal_test.go.
const raceEnabled = false
