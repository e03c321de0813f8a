package postgres

import (
	"context"
	"time"
)

// claimPurgeEvery is how often an instance deletes expired claim nonces.
const claimPurgeEvery = time.Minute

// ClaimOnce records nonce in the claimed table and reports whether it was
// not there yet (part of store.Store): one insert, which the primary key
// makes first for exactly one caller among every instance. About once a
// minute the call also deletes the nonces whose claims have expired.
func (db *DB) ClaimOnce(ctx context.Context, nonce []byte, expires time.Time) (_ bool, err error) {
	defer failed(&err, "claiming a thank-you page")
	tag, err := db.pool.Exec(ctx, `INSERT INTO claimed (nonce, expires) VALUES ($1, $2)
		ON CONFLICT (nonce) DO NOTHING`, nonce, expires.UTC())
	if err != nil {
		return false, err
	}
	now := time.Now()
	if last := db.claimPurged.Load(); now.UnixNano()-last > int64(claimPurgeEvery) &&
		db.claimPurged.CompareAndSwap(last, now.UnixNano()) {
		// Best effort: a failed purge is tried again a minute later.
		// The margin allows for the instances' clocks being behind the
		// database server's.
		_, _ = db.pool.Exec(ctx, `DELETE FROM claimed WHERE expires < now() - interval '10 minutes'`)
	}
	return tag.RowsAffected() == 1, nil
}
