package postgres

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/placard/placard/internal/store/pgtest"
)

// TestSynchronousCommitForced: even when the database's default is
// synchronous_commit=off (an operator's tuning), the store's connections
// commit synchronously, so an acknowledged signature is on disk.
func TestSynchronousCommitForced(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	var name string
	c.QueryRow(ctx, "SELECT current_database()").Scan(&name)
	if _, err := c.Exec(ctx, "ALTER DATABASE "+name+" SET synchronous_commit = off"); err != nil {
		t.Fatal(err)
	}
	c.Close(ctx)
	db, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for range 3 { // several pool connections
		var got string
		if err := db.pool.QueryRow(ctx, "SHOW synchronous_commit").Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != "on" {
			t.Errorf("synchronous_commit on a store connection: got %s, want on", got)
		}
	}
}
