package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// queueTold adds to the outbox, in tx, what tell returns for changes
// (store.Tell): called once a change's rows are written and before its
// commit, so the messages and the change commit or roll back together.
// An error from tell is returned as it is, for the caller to roll back.
func queueTold(ctx context.Context, tx *sql.Tx, tell store.Tell, changes []signing.Change) error {
	if tell == nil || len(changes) == 0 {
		return nil
	}
	msgs, err := tell(changes)
	if err != nil {
		return err
	}
	if len(msgs) == 0 {
		return nil
	}
	// Not on the signing path: statements parsed in tx will do.
	return insertOutbox(ctx, tx, nil, msgs, time.Now())
}

// readSigs reads the rows of sigColumns q returns in tx.
func readSigs(ctx context.Context, tx *sql.Tx, q string, args ...any) ([]signing.Signature, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []signing.Signature
	for rows.Next() {
		s, err := scanSig(rows.Scan)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// erasedRows reads in tx, before they go, the signatures an erasure
// matching where (with args) deletes, for its tell (store.TellErased);
// nothing when there is no tell.
func erasedRows(ctx context.Context, tx *sql.Tx, tell store.TellErased, where string, args ...any) ([]signing.Signature, error) {
	if tell == nil {
		return nil, nil
	}
	return readSigs(ctx, tx, `SELECT `+sigColumns+` FROM signatures WHERE `+where+` ORDER BY id`, args...)
}

// queueErased adds to the outbox, in tx, what tell returns for the erased
// signatures: called after the erasure has deleted the address's waiting
// messages (a notice filed under it would go too) and before its commit,
// so the erasure and its notices commit or roll back together.
func queueErased(ctx context.Context, tx *sql.Tx, tell store.TellErased, erased []signing.Signature) error {
	if tell == nil || len(erased) == 0 {
		return nil
	}
	msgs, err := tell(erased)
	if err != nil || len(msgs) == 0 {
		return err
	}
	return insertOutbox(ctx, tx, nil, msgs, time.Now())
}

var _ store.Erasures = (*DB)(nil)
