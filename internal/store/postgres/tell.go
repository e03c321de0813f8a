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
// when none is), which deleteMessages reads from the rows it deletes.
type erasure struct {
	sigs  []signing.Signature
	until time.Time
}

// erasedRows reads in tx, before they go, the signatures an erasure
// matching where (with args) deletes, for its tell (store.TellErased);
// nothing when there is no tell. The erasure holds lockSigning already.
func erasedRows(ctx context.Context, tx pgx.Tx, tell store.TellErased, where string, args ...any) (erasure, error) {
	if tell == nil {
		return erasure{}, nil
	}
	sigs, err := readSigs(ctx, tx, `SELECT `+sigColumns+` FROM signatures WHERE `+where+` ORDER BY id`, args...)
	if err != nil {
		return erasure{}, err
	}
	return erasure{sigs: sigs}, nil
}

// deleteMessages deletes in tx the undelivered messages matching where
// (with args: email and org, columns of outbox) for an erasure that has
// taken every bundle apart, and returns how many it deleted and the
// latest lease among those a worker is delivering (webhook or OSDI,
// claimed: their requests may still be on their way; zero when none is),
// for queueErased. The lease is read from the very rows deleted, not
// before: the erasure waits for any bundle another instance is taking
// apart (unbundle), and that instance's claim takes the rows it unpacked
// at once, so a lease read at the erasure's start missed the claim made
// meanwhile and its notice went out before that delivery ended
// (TestErasureNoticeWaitsForAClaimDuringIt). The DELETE waits for a claim
// in progress and reads the row as the claim left it; a claim after it
// skips the rows it deleted (SKIP LOCKED), then finds them gone.
func deleteMessages(ctx context.Context, tx pgx.Tx, where string, args ...any) (int64, time.Time, error) {
	var n int64
	var until *time.Time
	if err := tx.QueryRow(ctx, `WITH gone AS (DELETE FROM outbox WHERE `+where+`
			RETURNING kind, status, claimed_by, not_before)
		SELECT count(*), max(not_before) FILTER (WHERE kind IN ('webhook', 'osdi') AND status = 'pending' AND claimed_by <> '')
		FROM gone`, args...).Scan(&n, &until); err != nil {
		return 0, time.Time{}, err
	}
	if until == nil {
		return n, time.Time{}, nil
	}
	return n, until.UTC(), nil
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
