package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// queueTold adds to the outbox, in tx, what tell returns for changes
// (store.Tell): called once a change's rows are written and before its
// commit, so the messages and the change commit or roll back together.
// An error from tell is returned as it is, rolling the change back.
func queueTold(ctx context.Context, tx pgx.Tx, tell store.Tell, changes []signing.Change) error {
	if tell == nil || len(changes) == 0 {
		return nil
	}
	msgs, err := tell(changes)
	if err != nil {
		return err
	}
	return insertOutbox(ctx, tx, msgs)
}

// lockForChange takes, before any row, the lock an UPDATE of signatures
// takes: a transaction that reads rows FOR UPDATE (a ROW SHARE lock, which
// an erasure's lockSigning does not wait for) and then updates them would
// otherwise wait for the erasure while the erasure's DELETE waited for
// its rows (a deadlock; see SetStatus). Now the one that comes second
// waits for the first to commit.
func lockForChange(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `LOCK TABLE signatures IN ROW EXCLUSIVE MODE`)
	return err
}

// readSigs reads, locked FOR UPDATE, the rows of sigColumns q returns.
func readSigs(ctx context.Context, tx pgx.Tx, q string, args ...any) ([]signing.Signature, error) {
	rows, err := tx.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []signing.Signature
	for rows.Next() {
		s, err := scanSig(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// erasure is what an erasure reads before it deletes, for its tell: the
// signatures it removes, and until when the address's webhook or OSDI
// message that a worker (of any instance) is delivering right now may
// still reach its receiver (its lease: an attempt ends within it; zero
// when none is).
type erasure struct {
	sigs  []signing.Signature
	until time.Time
}

// erasedRows reads in tx, before they go, the signatures an erasure
// matching where (with args) deletes, for its tell (store.TellErased),
// and the lease of any message about the address being delivered (where
// names only email and org, columns of outbox too); nothing when there is
// no tell. The erasure holds lockSigning already.
func erasedRows(ctx context.Context, tx pgx.Tx, tell store.TellErased, where string, args ...any) (erasure, error) {
	if tell == nil {
		return erasure{}, nil
	}
	sigs, err := readSigs(ctx, tx, `SELECT `+sigColumns+` FROM signatures WHERE `+where+` ORDER BY id`, args...)
	if err != nil {
		return erasure{}, err
	}
	var until *time.Time
	if err := tx.QueryRow(ctx, `SELECT max(not_before) FROM outbox
		WHERE kind IN ('webhook', 'osdi') AND status = 'pending' AND claimed_by <> '' AND `+where, args...).Scan(&until); err != nil {
		return erasure{}, err
	}
	e := erasure{sigs: sigs}
	if until != nil {
		e.until = until.UTC()
	}
	return e, nil
}

// queueErased adds to the outbox, in tx, what tell returns for the erased
// signatures: called after the erasure has deleted the address's waiting
// messages (a notice filed under it would go too) and before its commit,
// so the erasure and its notices commit or roll back together. The
// notices are not due before the lease of a message about the address
// that a worker is delivering runs out (erasure.until): its row is
// deleted, but its request may be on its way, and a notice another
// instance delivered first would let the CRM re-create the person.
func queueErased(ctx context.Context, tx pgx.Tx, tell store.TellErased, erased erasure) error {
	if tell == nil || len(erased.sigs) == 0 {
		return nil
	}
	msgs, err := tell(erased.sigs)
	if err != nil || len(msgs) == 0 {
		return err
	}
	for i := range msgs {
		if erased.until.After(msgs[i].NotBefore) {
			msgs[i].NotBefore = erased.until
		}
	}
	return insertOutbox(ctx, tx, msgs)
}

var _ store.Erasures = (*DB)(nil)
