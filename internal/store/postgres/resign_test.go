package postgres_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/placard/placard/internal/store/storetest"
)

// TestSignsAgain: a bundled message left behind by an erasure that did
// not look in outbox_bundles (an instance from before them, during a
// rolling upgrade) is never sent, even once the same address has signed
// again.
func TestSignsAgain(t *testing.T) {
	storetest.RunSignsAgain(t, func(t *testing.T) storetest.Behind {
		ctx := context.Background()
		dsn := migrated(t)
		db := open(t, dsn)
		c, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close(ctx) })
		exec := func(t *testing.T, q string, args ...any) {
			t.Helper()
			if _, err := c.Exec(ctx, q, args...); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		return storetest.Behind{
			Store: db,
			Erase: func(t *testing.T, email string) {
				var bundles int
				if err := c.QueryRow(ctx, `SELECT count(*) FROM outbox_bundles`).Scan(&bundles); err != nil || bundles == 0 {
					t.Fatalf("the messages are not bundled (%d bundles, %v): the test shows nothing", bundles, err)
				}
				exec(t, `DELETE FROM signatures WHERE email = $1`, email)
				exec(t, `DELETE FROM outbox WHERE email = $1`, email)
			},
			Unmark: func(t *testing.T) { exec(t, `UPDATE outbox_bundles SET signatures = NULL`) },
			UnmarkNewest: func(t *testing.T) {
				exec(t, `UPDATE outbox_bundles SET signatures = NULL WHERE seq = (SELECT max(seq) FROM outbox_bundles)`)
			},
		}
	})
}
