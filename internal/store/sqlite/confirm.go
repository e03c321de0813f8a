package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/internal/tally"
)

var _ store.Confirming = (*DB)(nil)

// ConfirmSigned confirms the signature made at signed (any when zero)
// and queues then's messages in the same transaction
// (store.Confirming).
func (db *DB) ConfirmSigned(ctx context.Context, org, campaign, email string, signed time.Time, then func(*signing.Signature) []signing.Message) (_ signing.Signature, err error) {
	defer failed(&err, "confirming a signature")
	tallyStmt, err := db.tallyStmt(ctx)
	if err != nil {
		return signing.Signature{}, err
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return signing.Signature{}, err
	}
	defer tx.Rollback()
	// A person counts at once; an organisation waits for moderation.
	q := `UPDATE signatures
		SET status = CASE kind WHEN 'organisation' THEN 'pending' ELSE 'approved' END
		WHERE org = ? AND campaign = ? AND email = ? AND status = 'unconfirmed'`
	args := []any{org, campaign, email}
	if !signed.IsZero() {
		q += ` AND created_at = ?`
		args = append(args, formatTime(signed.Truncate(time.Microsecond)))
	}
	s, err := scanSig(tx.QueryRowContext(ctx, q+` RETURNING `+sigColumns, args...).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return signing.Signature{}, store.ErrNotFound
	}
	if err != nil {
		return signing.Signature{}, err
	}
	var ds tally.Deltas
	ds.Add(tally.Key{Org: org, Campaign: campaign}, tally.Of(s.Kind, s.Status))
	if err := applyDeltas(ctx, tx, tallyStmt, &ds); err != nil {
		return signing.Signature{}, err
	}
	if then != nil {
		// Not on the signing path: statements parsed in tx will do.
		if msgs := then(&s); len(msgs) > 0 {
			if err := insertOutbox(ctx, tx, nil, msgs, time.Now()); err != nil {
				return signing.Signature{}, err
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return signing.Signature{}, err
	}
	db.changed()
	return s, nil
}

var _ store.Resending = (*DB)(nil)

// QueueWaiting queues msgs only while the signature made at signed still
// waits (store.Resending), in one transaction on the single writer, which
// every erasure also writes through.
func (db *DB) QueueWaiting(ctx context.Context, org, campaign, email string, signed time.Time, msgs []signing.Message) (_ bool, err error) {
	defer failed(&err, "queueing a waiting signature's confirmation")
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	var one int
	err = tx.QueryRowContext(ctx, `SELECT 1 FROM signatures
		WHERE org = ? AND campaign = ? AND email = ? AND status = 'unconfirmed' AND created_at = ?`,
		org, campaign, email, formatTime(signed.Truncate(time.Microsecond))).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if err := insertOutbox(ctx, tx, nil, msgs, time.Now()); err != nil {
		return false, err
	}
	return true, tx.Commit()
}
