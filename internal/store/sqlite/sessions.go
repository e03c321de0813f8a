package sqlite

import (
	"context"
	"time"

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
	return scanSessions(db.r.QueryContext(ctx, `SELECT `+sessionCols+` FROM organiser_sessions
		WHERE organiser_id = ? ORDER BY created_at DESC, hash`, organiserID))
}

// EndSession deletes one of an organiser's sessions (store.Sessions).
func (db *DB) EndSession(ctx context.Context, organiserID int64, hash [32]byte) (err error) {
	defer failed(&err, "ending a session")
	res, err := db.w.ExecContext(ctx, `DELETE FROM organiser_sessions WHERE hash = ? AND organiser_id = ?`, hash[:], organiserID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return store.ErrNotFound
	}
	return nil
}

// EndOtherSessions deletes every session of an organiser but one
// (store.Sessions).
func (db *DB) EndOtherSessions(ctx context.Context, organiserID int64, keep [32]byte) (_ []accounts.Session, err error) {
	defer failed(&err, "ending sessions")
	return scanSessions(db.w.QueryContext(ctx, `DELETE FROM organiser_sessions WHERE organiser_id = ? AND hash <> ?
		RETURNING `+sessionCols, organiserID, keep[:]))
}

// DeleteEndedSessions deletes the sessions ended at now and the tokens
// expired at now (store.Sessions). Times are stored in one fixed-width
// layout, so comparing the text compares the times.
func (db *DB) DeleteEndedSessions(ctx context.Context, now time.Time) (_ int, err error) {
	defer failed(&err, "deleting ended sessions")
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `DELETE FROM organiser_sessions WHERE last_seen <= ? OR created_at <= ?`,
		formatTime(now.Add(-accounts.IdleTimeout)), formatTime(now.Add(-accounts.MaxLifetime)))
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM organiser_tokens WHERE expires_at <= ?`, formatTime(now)); err != nil {
		return 0, err
	}
	return int(n), tx.Commit()
}

// SetRole changes an organiser's role (store.Roles).
func (db *DB) SetRole(ctx context.Context, id int64, role accounts.Role) (err error) {
	defer failed(&err, "changing an organiser's role")
	res, err := db.w.ExecContext(ctx, `UPDATE organisers SET role = ? WHERE id = ?`, string(role), id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return store.ErrNotFound
	}
	return nil
}
