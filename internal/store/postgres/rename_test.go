package postgres_test

import (
	"testing"

	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/pgtest"
	"github.com/placard/placard/internal/store/storetest"
)

// TestRenames runs the renamed-campaign suite on a real PostgreSQL.
func TestRenames(t *testing.T) {
	storetest.RunRenames(t, func(t *testing.T) store.Store { return open(t, pgtest.DSN(t)) })
}
