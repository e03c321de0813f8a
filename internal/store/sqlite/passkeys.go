package sqlite

import (
	"context"
	"time"

	"github.com/placard/placard/internal/accounts"
	"github.com/placard/placard/internal/store"
)

var _ store.Passkeys = (*DB)(nil)

// CredentialUsed records a passkey's sign-in (store.Passkeys).
func (db *DB) CredentialUsed(ctx context.Context, id []byte, at time.Time) (err error) {
	defer failed(&err, "recording a passkey's use")
	res, err := db.w.ExecContext(ctx, `UPDATE organiser_credentials SET last_used_at = ? WHERE id = ?`, formatTime(at), id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return store.ErrNotFound
	}
	return nil
}

// CredentialsUsed returns when an organiser's passkeys last signed in
// (store.Passkeys).
func (db *DB) CredentialsUsed(ctx context.Context, organiserID int64) (_ map[string]time.Time, err error) {
	defer failed(&err, "reading passkeys' last use")
	rows, err := db.r.QueryContext(ctx, `SELECT id, last_used_at FROM organiser_credentials
		WHERE organiser_id = ? AND last_used_at <> ''`, organiserID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]time.Time{}
	for rows.Next() {
		var id []byte
		var at string
		if err := rows.Scan(&id, &at); err != nil {
			return nil, err
		}
		t, err := parseTime(at)
		if err != nil {
			return nil, err
		}
		out[string(id)] = t
	}
	return out, rows.Err()
}

// RemoveCredential deletes one of an organiser's passkeys and the sessions
// it may have opened, in one transaction (store.Passkeys).
func (db *DB) RemoveCredential(ctx context.Context, organiserID int64, id []byte) (_ []accounts.Session, err error) {
	defer failed(&err, "removing a passkey")
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `DELETE FROM organiser_credentials WHERE id = ? AND organiser_id = ?`, id, organiserID)
	if err != nil {
		return nil, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, store.ErrNotFound
	}
	ended, err := scanSessions(tx.QueryContext(ctx, `DELETE FROM organiser_sessions
		WHERE organiser_id = ? AND ((method = ? AND credential_id = ?) OR method = ?)
		RETURNING `+sessionCols, organiserID, string(accounts.MethodPasskey), id, string(accounts.MethodUnknown)))
	if err != nil {
		return nil, err
	}
	return ended, tx.Commit()
}
