package sqlite

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/placard/placard/internal/store/storetest"
)

// TestCreditsOldMoveSQLite runs storetest.CreditsOldMove: a move recorded
// before migration 041 (an empty moved_at) keeps the former credit rule.
func TestCreditsOldMoveSQLite(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "old.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	storetest.CreditsOldMove(t, db, func(ctx context.Context) error {
		_, err := db.w.ExecContext(ctx, `UPDATE removed_campaigns SET moved_at = ''`)
		return err
	})
}
