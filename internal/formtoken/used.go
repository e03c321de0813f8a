package formtoken

import (
	"crypto/rand"
	"crypto/sha256"
	"sync"
	"time"
)

// Used remembers which tokens have signed, so a token signs once per
// client: a script that fetched one form cannot sign many addresses with
// it. The same token is served to every visitor of a page within one
// second, so it is remembered together with the client's address (a keyed
// hash, never the address; the key is random per process and never leaves
// memory): two people who opened the page in the same second each sign
// with it once. A token is forgotten once it is past MaxAge, when Check
// refuses it anyway, so the set holds at most a day of signatures, in
// hourly buckets dropped whole.
//
// The set is per process. With several instances (PostgreSQL) a token may
// sign once per instance per client: the bound is the number of
// instances, and the rate limit applies on each.
type Used struct {
	key [32]byte

	mu      sync.Mutex
	buckets map[int64]map[[16]byte]struct{} // issue hour → used
}

// NewUsed returns an empty set with a fresh random key.
func NewUsed() *Used {
	u := &Used{buckets: map[int64]map[[16]byte]struct{}{}}
	_, _ = rand.Read(u.key[:])
	return u
}

// id is what the set keeps of tok and client: SHA-256 of the process's
// random key, the token and the address (a map key in memory, never
// published, so a keyed prefix is enough), built on the stack.
func (u *Used) id(tok, client string) [16]byte {
	var buf [128]byte
	b := append(buf[:0], u.key[:]...)
	b = append(b, tok...)
	b = append(b, 0)
	b = append(b, client...)
	sum := sha256.Sum256(b)
	return [16]byte(sum[:16])
}

// Claim marks tok (issued at issued) as used by client, and reports
// whether it was unused until now.
func (u *Used) Claim(tok, client string, issued, now time.Time) bool {
	id := u.id(tok, client)
	hour := issued.Unix() / 3600
	u.mu.Lock()
	defer u.mu.Unlock()
	// Drop the buckets whose every token is past MaxAge.
	for h := range u.buckets {
		if time.Unix((h+1)*3600, 0).Add(MaxAge + time.Minute).Before(now) {
			delete(u.buckets, h)
		}
	}
	b := u.buckets[hour]
	if b == nil {
		b = map[[16]byte]struct{}{}
		u.buckets[hour] = b
	}
	if _, used := b[id]; used {
		return false
	}
	b[id] = struct{}{}
	return true
}

// Release forgets a claim: the signature it was for was not recorded, so
// the signer may press Sign again with the same form.
func (u *Used) Release(tok, client string, issued time.Time) {
	id := u.id(tok, client)
	u.mu.Lock()
	delete(u.buckets[issued.Unix()/3600], id)
	u.mu.Unlock()
}
