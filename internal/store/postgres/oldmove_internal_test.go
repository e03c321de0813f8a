package postgres

import (
	"context"
	"testing"

	"github.com/placard/placard/internal/store/pgtest"
	"github.com/placard/placard/internal/store/storetest"
)

// TestCreditsOldMovePostgres runs storetest.CreditsOldMove: a move
// recorded before migration 041 (NULL moved_at) keeps the former credit
// rule.
func TestCreditsOldMovePostgres(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, pgtest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	storetest.CreditsOldMove(t, db, func(ctx context.Context) error {
		_, err := db.pool.Exec(ctx, `UPDATE removed_campaigns SET moved_at = NULL`)
		return err
	})
}
