package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"time"
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
const tokenPlaceholder = "PlacardFormTokenPlaceholder00000"

// tokenProblem says why a token was refused.
type tokenProblem int

const (
	tokenOK tokenProblem = iota
	tokenMissing
	tokenForged  // malformed, or signed for another campaign or with another key
	tokenFresh   // younger than tokenMinAge
	tokenExpired // older than tokenMaxAge (or from the future)
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
