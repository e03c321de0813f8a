package postgres

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/placard/placard/internal/store/internal/migrate"
)

// migrateBelow brings the empty database c to the schema of an older
// placard: every migration numbered below version applied and recorded,
// so a test can write rows as that placard did before Open upgrades them.
func migrateBelow(ctx context.Context, t *testing.T, c *pgx.Conn, version int) {
	t.Helper()
	ms, err := migrate.Load(migrations, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec(ctx, `CREATE TABLE schema_migrations (version integer PRIMARY KEY,
		name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Version >= version {
			break
		}
		if m.NoTransaction {
			if err := runAlone(ctx, c, m); err != nil {
				t.Fatalf("migration %s: %v", m.Name, err)
			}
		} else if _, err := c.Exec(ctx, m.SQL); err != nil {
			t.Fatalf("migration %s: %v", m.Name, err)
		}
		if _, err := c.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, m.Version, m.Name); err != nil {
			t.Fatal(err)
		}
	}
}
