package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"sync"
	"time"

	"github.com/placard/placard/internal/site"
)

// The form token is a signed issue time: it proves that the form was
// fetched from this site (any instance sharing the store's secret) for this
// campaign, and when. A signature is accepted only when its token is at
// least tokenMinAge and at most tokenMaxAge old: bots that post the moment
// they fetch (or without fetching) are refused, while a person, who takes
// longer than three seconds to type a name and an email, never is.
//
// Layout: 8 bytes of big-endian Unix seconds followed by the first 16 bytes
// of HMAC-SHA256(secret, "org/campaign" || those 8 bytes), encoded as
// unpadded URL-safe base64: always tokenLen characters, all of [A-Za-z0-9_-],
// so it needs no escaping in HTML and can be spliced into cached pages.
const (
	tokenMinAge = 3 * time.Second
	tokenMaxAge = 24 * time.Hour
	tokenRaw    = 8 + 16
	tokenLen    = (tokenRaw*8 + 5) / 6 // 32
)

// tokenPlaceholder stands in for the token when a page is rendered for the
// cache; the served bytes have a fresh token spliced in its place. It is
// tokenLen characters long, so offsets and lengths never change.
const tokenPlaceholder = site.TokenSlot

// tokenProblem says why a token was refused.
type tokenProblem int

const (
	tokenOK tokenProblem = iota
	tokenMissing
	tokenForged  // malformed, or signed for another campaign or with another key
	tokenFresh   // younger than tokenMinAge
	tokenExpired // older than tokenMaxAge (or from the future)
	tokenUsed    // good, but this client has already signed with it
	tokenConfirm // none, from a static copy (Config.SiteOrigins): confirm on the live site
)

// tokenSigner issues and checks tokens with one secret.
type tokenSigner struct {
	key []byte
}

// issue returns the token for the campaign at path ("org/campaign") issued at t.
func (ts tokenSigner) issue(path string, t time.Time) string {
	var raw [tokenRaw]byte
	binary.BigEndian.PutUint64(raw[:8], uint64(t.Unix()))
	ts.sum(raw[8:8], path, raw[:8])
	return base64.RawURLEncoding.EncodeToString(raw[:])
}

// sum appends the truncated MAC of path and stamp to dst.
func (ts tokenSigner) sum(dst []byte, path string, stamp []byte) []byte {
	m := hmac.New(sha256.New, ts.key)
	m.Write([]byte(path))
	m.Write(stamp)
	var full [sha256.Size]byte
	return append(dst, m.Sum(full[:0])[:16]...)
}

// check reports whether tok is a good token for path at now.
func (ts tokenSigner) check(path, tok string, now time.Time) tokenProblem {
	if tok == "" {
		return tokenMissing
	}
	if len(tok) != tokenLen {
		return tokenForged
	}
	var raw [tokenRaw]byte
	if n, err := base64.RawURLEncoding.Decode(raw[:], []byte(tok)); err != nil || n != tokenRaw {
		return tokenForged
	}
	var want [16]byte
	if !hmac.Equal(ts.sum(want[:0], path, raw[:8]), raw[8:]) {
		return tokenForged
	}
	issued := time.Unix(int64(binary.BigEndian.Uint64(raw[:8])), 0)
	age := now.Sub(issued)
	switch {
	case age < -time.Minute || age > tokenMaxAge:
		// A token from well in the future was signed by an instance whose
		// clock is wrong; treat it like an old one: ask for a fresh form.
		return tokenExpired
	case age < tokenMinAge:
		return tokenFresh
	}
	return tokenOK
}

// checkAt is check that also returns the token's issue time when its MAC
// holds (for tokenOK, tokenFresh and tokenExpired), else the zero time.
func (ts tokenSigner) checkAt(path, tok string, now time.Time) (tokenProblem, time.Time) {
	p := ts.check(path, tok, now)
	switch p {
	case tokenOK, tokenFresh, tokenExpired:
		var raw [8]byte
		_, _ = base64.RawURLEncoding.Decode(raw[:], []byte(tok[:11])) // 11 characters hold the 8 bytes
		return p, time.Unix(int64(binary.BigEndian.Uint64(raw[:])), 0)
	}
	return p, time.Time{}
}

// usedTokens remembers which tokens have signed, so a token signs once per
// client: a script that fetched one form cannot sign many addresses with
// it. The same token is served to every visitor of a page within one
// second (tokenPage), so it is remembered together with the client's
// address (a keyed hash, never the address; the key is random per process
// and never leaves memory): two people who opened the page in the same
// second each sign with it once. A token is forgotten once it is past
// tokenMaxAge, when check refuses it anyway, so the set holds at most a
// day of signatures, in hourly buckets dropped whole.
//
// The set is per process. With several instances (PostgreSQL) a token may
// sign once per instance per client: the bound is the number of
// instances, and the rate limit applies on each.
type usedTokens struct {
	key [32]byte

	mu      sync.Mutex
	buckets map[int64]map[[16]byte]struct{} // issue hour → used
}

func newUsedTokens() *usedTokens {
	u := &usedTokens{buckets: map[int64]map[[16]byte]struct{}{}}
	_, _ = rand.Read(u.key[:])
	return u
}

// id is what the set keeps of tok and client: SHA-256 of the process's
// random key, the token and the address (a map key in memory, never
// published, so a keyed prefix is enough), built on the stack.
func (u *usedTokens) id(tok, client string) [16]byte {
	var buf [128]byte
	b := append(buf[:0], u.key[:]...)
	b = append(b, tok...)
	b = append(b, 0)
	b = append(b, client...)
	sum := sha256.Sum256(b)
	return [16]byte(sum[:16])
}

// claim marks tok (issued at issued) as used by client, and reports
// whether it was unused until now.
func (u *usedTokens) claim(tok, client string, issued, now time.Time) bool {
	id := u.id(tok, client)
	hour := issued.Unix() / 3600
	u.mu.Lock()
	defer u.mu.Unlock()
	// Drop the buckets whose every token is past tokenMaxAge.
	for h := range u.buckets {
		if time.Unix((h+1)*3600, 0).Add(tokenMaxAge + time.Minute).Before(now) {
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

// release forgets a claim: the signature it was for was not recorded, so
// the signer may press Sign again with the same form.
func (u *usedTokens) release(tok, client string, issued time.Time) {
	id := u.id(tok, client)
	u.mu.Lock()
	delete(u.buckets[issued.Unix()/3600], id)
	u.mu.Unlock()
}
