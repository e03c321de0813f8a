package postgres_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/placard/placard/internal/store/storetest"
)

// TestPurgeQuiet: a purge that finds nothing of its campaign leaves other
// campaigns' bundles alone and runs no VACUUM FULL, seen in the tables'
// file nodes, which VACUUM FULL replaces.
func TestPurgeQuiet(t *testing.T) {
	storetest.RunPurgeQuiet(t, func(t *testing.T) storetest.Quiet {
		ctx := context.Background()
		dsn := migrated(t)
		db := open(t, dsn)
		c, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close(ctx) })
		nodes := func(t *testing.T) [3]int64 {
			t.Helper()
			var n [3]int64
			if err := c.QueryRow(ctx, `SELECT pg_relation_filenode('signatures')::bigint, pg_relation_filenode('outbox')::bigint,
				pg_relation_filenode('outbox_bundles')::bigint`).Scan(&n[0], &n[1], &n[2]); err != nil {
				t.Fatal(err)
			}
			return n
		}
		return storetest.Quiet{
			Store: db,
			Bundles: func(t *testing.T) int {
				var n int
				if err := c.QueryRow(ctx, `SELECT count(*) FROM outbox_bundles`).Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			},
			Wiped: func(t *testing.T) func(t *testing.T) bool {
				before := nodes(t)
				return func(t *testing.T) bool { return nodes(t) != before }
			},
		}
	})
}
