package sqlite_test

import (
	"testing"

	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/storetest"
)

// TestRenames runs the renamed-campaign suite on real SQLite files.
func TestRenames(t *testing.T) {
	storetest.RunRenames(t, func(t *testing.T) store.Store { return openTemp(t) })
}
