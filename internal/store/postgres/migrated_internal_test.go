package postgres

import (
	"context"
	"testing"

	"github.com/placard/placard/internal/store/pgtest"
)

// migratedDSN returns the URL of a new database for t that Open has
// already migrated: a copy of a template Open migrated once per test
// process (pgtest.Prepared), where running every migration again took most
// of each test's time. It is what a test that only opens a store needs;
// tests of the migrations themselves (an empty or older database, several
// instances migrating at once, reopening) take pgtest.DSN.
func migratedDSN(t testing.TB) string {
	t.Helper()
	return pgtest.Prepared(t, "migrated", func(dsn string) error {
		db, err := Open(context.Background(), dsn)
		if err != nil {
			return err
		}
		return db.Close()
	})
}

// MigratedDSN is migratedDSN for the package's external tests.
var MigratedDSN = migratedDSN
