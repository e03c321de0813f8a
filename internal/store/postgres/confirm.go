package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/internal/tally"
)

var _ store.Confirming = (*DB)(nil)

// ConfirmSigned confirms the signature made at signed (any when zero)
// and queues then's messages in the same transaction
// (store.Confirming).
func (db *DB) ConfirmSigned(ctx context.Context, org, campaign, email string, signed time.Time, then func(*signing.Signature) []signing.Message) (s signing.Signature, err error) {
	defer failed(&err, "confirming a signature")
	// A person counts at once; an organisation waits for moderation.
	q := `UPDATE signatures
		SET status = CASE kind WHEN 'organisation' THEN 'pending' ELSE 'approved' END
		WHERE org = $1 AND campaign = $2 AND email = $3 AND status = 'unconfirmed'`
	args := []any{org, campaign, email}
	if !signed.IsZero() {
		q += ` AND created_at = $4`
		args = append(args, signed.UTC().Truncate(time.Microsecond))
	}
	err = pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		s, err = scanSig(tx.QueryRow(ctx, q+` RETURNING `+sigColumns, args...))
		if errors.Is(err, pgx.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		var ds tally.Deltas
		ds.Add(tally.Key{Org: org, Campaign: campaign}, tally.Of(s.Kind, s.Status))
		if err := applyDeltas(ctx, tx, &ds); err != nil {
			return err
		}
		if then == nil {
			return nil
		}
		return insertOutbox(ctx, tx, then(&s))
	})
	if err != nil {
		return signing.Signature{}, err
	}
	return s, nil
}

var _ store.Resending = (*DB)(nil)

// QueueWaiting queues msgs only while the signature made at signed still
// waits (store.Resending). The transaction takes signatures' ROW
// EXCLUSIVE lock, as any write of the table does, which conflicts with
// the SHARE ROW EXCLUSIVE one every erasure takes first (lockSigning):
// an erasure under way is waited for, and then its signature is found
// gone; one that comes after waits for the commit, and deletes the
// queued messages with the signature.
func (db *DB) QueueWaiting(ctx context.Context, org, campaign, email string, signed time.Time, msgs []signing.Message) (queued bool, err error) {
	defer failed(&err, "queueing a waiting signature's confirmation")
	err = pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		queued = false
		if _, err := tx.Exec(ctx, `LOCK TABLE signatures IN ROW EXCLUSIVE MODE`); err != nil {
			return err
		}
		var one int
		err := tx.QueryRow(ctx, `SELECT 1 FROM signatures
			WHERE org = $1 AND campaign = $2 AND email = $3 AND status = 'unconfirmed' AND created_at = $4`,
			org, campaign, email, signed.UTC().Truncate(time.Microsecond)).Scan(&one)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		queued = true
		return insertOutbox(ctx, tx, msgs)
	})
	return queued && err == nil, err
}
