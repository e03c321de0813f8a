package postgres_test

import (
	"testing"

	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/storetest"
)

func TestModeration(t *testing.T) {
	storetest.RunModeration(t, func(t *testing.T) store.Store { return open(t, migrated(t)) })
}

func TestTelling(t *testing.T) {
	storetest.RunTelling(t, func(t *testing.T) storetest.TellingStore { return open(t, migrated(t)) })
}
