package postgres_test

import (
	"testing"

	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/storetest"
)

func TestPaging(t *testing.T) {
	storetest.RunPaging(t, func(t *testing.T) store.Store { return open(t, migrated(t)) })
}

func TestOutboxFigures(t *testing.T) {
	storetest.RunOutboxFigures(t, func(t *testing.T) store.Store { return open(t, migrated(t)) })
}
