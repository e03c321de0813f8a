package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/placard/placard/internal/accounts"
	"github.com/placard/placard/internal/store"
)

var _ store.Passkeys = (*DB)(nil)

// CredentialUsed records a passkey's sign-in (store.Passkeys).
func (db *DB) CredentialUsed(ctx context.Context, id []byte, at time.Time) (err error) {
	defer failed(&err, "recording a passkey's use")
	tag, err := db.pool.Exec(ctx, `UPDATE organiser_credentials SET last_used_at = $1 WHERE id = $2`, at.UTC().Truncate(time.Microsecond), id)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return store.ErrNotFound
	}
	return nil
}

// CredentialsUsed returns when an organiser's passkeys last signed in
// (store.Passkeys).
func (db *DB) CredentialsUsed(ctx context.Context, organiserID int64) (_ map[string]time.Time, err error) {
	defer failed(&err, "reading passkeys' last use")
	rows, err := db.pool.Query(ctx, `SELECT id, last_used_at FROM organiser_credentials
		WHERE organiser_id = $1 AND last_used_at IS NOT NULL`, organiserID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]time.Time{}
	for rows.Next() {
		var id []byte
		var at time.Time
		if err := rows.Scan(&id, &at); err != nil {
			return nil, err
		}
		out[string(id)] = at.UTC()
	}
	return out, rows.Err()
}

// RemoveCredential deletes one of an organiser's passkeys and the sessions
// it may have opened, in one transaction (store.Passkeys).
func (db *DB) RemoveCredential(ctx context.Context, organiserID int64, id []byte) (ended []accounts.Session, err error) {
	defer failed(&err, "removing a passkey")
	err = pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		ended, err = removeCredential(ctx, tx, organiserID, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return ended, nil
}

// removeCredential is RemoveCredential's transaction: the passkey, then
// the sessions it may have opened.
func removeCredential(ctx context.Context, tx pgx.Tx, organiserID int64, id []byte) ([]accounts.Session, error) {
	tag, err := tx.Exec(ctx, `DELETE FROM organiser_credentials WHERE id = $1 AND organiser_id = $2`, id, organiserID)
	if err != nil {
		return nil, err
	}
	if tag.RowsAffected() == 0 {
		return nil, store.ErrNotFound
	}
	return scanSessions(tx.Query(ctx, `DELETE FROM organiser_sessions
		WHERE organiser_id = $1 AND ((method = $2 AND credential_id = $3) OR method = $4)
		RETURNING `+sessionCols, organiserID, string(accounts.MethodPasskey), id, string(accounts.MethodUnknown)))
}
