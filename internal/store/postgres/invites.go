package postgres

import (
	"context"
	"time"

	"github.com/placard/placard/internal/accounts"
	"github.com/placard/placard/internal/store"
)

var _ store.Invites = (*DB)(nil)

// ReplaceTokens turns an organiser's tokens for one purpose into another
// (store.Invites).
func (db *DB) ReplaceTokens(ctx context.Context, organiserID int64, from, to accounts.Purpose) (_ int, err error) {
	defer failed(&err, "replacing sign-in tokens")
	tag, err := db.pool.Exec(ctx, `UPDATE organiser_tokens SET purpose = $1 WHERE organiser_id = $2 AND purpose = $3`,
		string(to), organiserID, string(from))
	if err != nil {
		return 0, err
	}
	return int(tag.RowsAffected()), nil
}

// TokenPurpose reads a live token's purpose without spending it
// (store.Invites).
func (db *DB) TokenPurpose(ctx context.Context, hash [32]byte, now time.Time) (_ accounts.Purpose, err error) {
	defer failed(&err, "reading a sign-in token")
	var purpose string
	var exp time.Time
	if err := db.pool.QueryRow(ctx, `SELECT purpose, expires_at FROM organiser_tokens WHERE hash = $1`, hash[:]).Scan(&purpose, &exp); err != nil {
		return "", noRow(err)
	}
	if !now.Before(exp) {
		return "", store.ErrNotFound
	}
	return accounts.Purpose(purpose), nil
}
