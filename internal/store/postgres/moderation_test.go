package postgres_test

import (
	"testing"

	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/pgtest"
	"github.com/placard/placard/internal/store/storetest"
)

func TestModeration(t *testing.T) {
	storetest.RunModeration(t, func(t *testing.T) store.Store { return open(t, pgtest.DSN(t)) })
}

func TestTelling(t *testing.T) {
	storetest.RunTelling(t, func(t *testing.T) storetest.TellingStore { return open(t, pgtest.DSN(t)) })
}
