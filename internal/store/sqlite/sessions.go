package sqlite

import (
	"context"

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
