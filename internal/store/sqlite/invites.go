package sqlite

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
	res, err := db.w.ExecContext(ctx, `UPDATE organiser_tokens SET purpose = ? WHERE organiser_id = ? AND purpose = ?`,
		string(to), organiserID, string(from))
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// TokenPurpose reads a live token's purpose without spending it
// (store.Invites).
func (db *DB) TokenPurpose(ctx context.Context, hash [32]byte, now time.Time) (_ accounts.Purpose, err error) {
	defer failed(&err, "reading a sign-in token")
	var purpose, exp string
	if err := db.r.QueryRowContext(ctx, `SELECT purpose, expires_at FROM organiser_tokens WHERE hash = ?`, hash[:]).Scan(&purpose, &exp); err != nil {
		return "", noRow(err)
	}
	at, err := parseTime(exp)
	if err != nil {
		return "", err
	}
	if !now.Before(at) {
		return "", store.ErrNotFound
	}
	return accounts.Purpose(purpose), nil
}
