package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/placard/placard/internal/accounts"
	"github.com/placard/placard/internal/store"
)

var (
	_ store.Sessions = (*DB)(nil)
	_ store.Roles    = (*DB)(nil)
)

// OrganiserSessions lists an organiser's sessions (store.Sessions).
func (db *DB) OrganiserSessions(ctx context.Context, organiserID int64) (_ []accounts.Session, err error) {
	defer failed(&err, "listing sessions")
	return scanSessions(db.pool.Query(ctx, `SELECT `+sessionCols+` FROM organiser_sessions
		WHERE organiser_id = $1 ORDER BY created_at DESC, hash`, organiserID))
}

// EndSession deletes one of an organiser's sessions (store.Sessions).
func (db *DB) EndSession(ctx context.Context, organiserID int64, hash [32]byte) (err error) {
	defer failed(&err, "ending a session")
	tag, err := db.pool.Exec(ctx, `DELETE FROM organiser_sessions WHERE hash = $1 AND organiser_id = $2`, hash[:], organiserID)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return store.ErrNotFound
	}
	return nil
}

// EndOtherSessions deletes every session of an organiser but one
// (store.Sessions).
func (db *DB) EndOtherSessions(ctx context.Context, organiserID int64, keep [32]byte) (_ []accounts.Session, err error) {
	defer failed(&err, "ending sessions")
	return scanSessions(db.pool.Query(ctx, `DELETE FROM organiser_sessions WHERE organiser_id = $1 AND hash <> $2
		RETURNING `+sessionCols, organiserID, keep[:]))
}

// DeleteEndedSessions deletes the sessions ended at now and the tokens
// expired at now (store.Sessions), in one transaction.
func (db *DB) DeleteEndedSessions(ctx context.Context, now time.Time) (_ int, err error) {
	defer failed(&err, "deleting ended sessions")
	var n int64
	err = pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM organiser_sessions WHERE last_seen <= $1 OR created_at <= $2`,
			now.Add(-accounts.IdleTimeout).UTC(), now.Add(-accounts.MaxLifetime).UTC())
		if err != nil {
			return err
		}
		n = tag.RowsAffected()
		_, err = tx.Exec(ctx, `DELETE FROM organiser_tokens WHERE expires_at <= $1`, now.UTC())
		return err
	})
	return int(n), err
}

// SetRole changes an organiser's role (store.Roles).
func (db *DB) SetRole(ctx context.Context, id int64, role accounts.Role) (err error) {
	defer failed(&err, "changing an organiser's role")
	if err := knownRole(role); err != nil {
		return err
	}
	tag, err := db.pool.Exec(ctx, `UPDATE organisers SET role = $1 WHERE id = $2`, string(role), id)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return store.ErrNotFound
	}
	return nil
}
