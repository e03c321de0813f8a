// Package migratedtest gives tests outside the store a PostgreSQL database
// that postgres.Open has already migrated: a copy of a template migrated
// once per test process (pgtest.Prepared), instead of an empty database on
// which every test ran every migration again. Tests of the migrations
// themselves take an empty one from pgtest.DSN.
package migratedtest

import (
	"context"
	"testing"

	"github.com/placard/placard/internal/store/pgtest"
	"github.com/placard/placard/internal/store/postgres"
)

// DSN returns the URL of a new, migrated, otherwise empty database for t,
// dropped when t ends. Like pgtest.DSN it skips t (or fails it under
// CI=true) when there is no server, and under go test -short.
func DSN(t testing.TB) string {
	t.Helper()
	return pgtest.Prepared(t, "migrated", func(dsn string) error {
		db, err := postgres.Open(context.Background(), dsn)
		if err != nil {
			return err
		}
		return db.Close()
	})
}
