package postgres_test

import (
	"testing"

	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/storetest"
)

func TestAccounts(t *testing.T) {
	storetest.RunAccounts(t, func(t *testing.T) store.Store { return open(t, migrated(t)) })
}

func TestPasskeys(t *testing.T) {
	storetest.RunPasskeys(t, func(t *testing.T) store.Store { return open(t, migrated(t)) })
}

func TestInvites(t *testing.T) {
	storetest.RunInvites(t, func(t *testing.T) store.Store { return open(t, migrated(t)) })
}

func TestSessions(t *testing.T) {
	storetest.RunSessions(t, func(t *testing.T) store.Store { return open(t, migrated(t)) })
}
