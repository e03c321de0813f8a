package sqlite

import (
	"context"
	"sync"
	"time"
)

// claimed is the set of thank-you claim nonces already opened (see
// store.Store.ClaimOnce). One SQLite file serves one instance, so it lives
// in memory: a claim opening never waits for the single writer connection
// or an fsync, and a restart forgetting it at worst shows a private address
// a second time within the claim's half hour.
type claimed struct {
	mu     sync.Mutex
	until  map[string]time.Time // nonce → when it may be forgotten
	pruned time.Time
}

// ClaimOnce reports whether nonce is claimed for the first time (part of
// store.Store).
func (db *DB) ClaimOnce(ctx context.Context, nonce []byte, expires time.Time) (_ bool, err error) {
	defer failed(&err, "claiming a thank-you page")
	if err := ctx.Err(); err != nil {
		return false, err
	}
	c := &db.claims
	now := time.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.until == nil {
		c.until = map[string]time.Time{}
	}
	if now.Sub(c.pruned) > time.Minute {
		for k, e := range c.until {
			if now.After(e) {
				delete(c.until, k)
			}
		}
		c.pruned = now
	}
	if _, seen := c.until[string(nonce)]; seen {
		return false, nil
	}
	c.until[string(nonce)] = expires
	return true, nil
}
