package formtoken

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
// least MinAge and at most MaxAge old: bots that post the moment they fetch
// (or without fetching) are refused, while a person, who takes longer than
// three seconds to type a name and an email, never is.
//
// Layout: 8 bytes of big-endian Unix seconds followed by the first 16 bytes
// of HMAC-SHA256(secret, "org/campaign" || those 8 bytes), encoded as
// unpadded URL-safe base64: always Len characters, all of [A-Za-z0-9_-], so
// it needs no escaping in HTML and can be spliced into cached pages.
const (
	// MinAge is the youngest a token may be and sign.
	MinAge = 3 * time.Second
	// MaxAge is the oldest a token may be and sign.
	MaxAge = 24 * time.Hour
	// Len is the length of every token Issue returns.
	Len    = (raw*8 + 5) / 6 // 32
	raw    = 8 + 16
	stamps = 11 // base64 characters that hold the 8-byte issue time
)

// Placeholder stands in for the token when a page is rendered for the
// cache; the served bytes have a fresh token spliced in its place. It is
// Len characters long, so offsets and lengths never change.
const Placeholder = "PlacardFormTokenPlaceholder00000"

// Problem says why a token was refused.
type Problem int

// The problems a token can have. Check returns OK, Missing, Forged, Fresh
// or Expired; Spent and Confirm are for the caller to say (a token Used has
// seen before, a post from a static copy that has none).
const (
	OK      Problem = iota
	Missing         // no token
	Forged          // malformed, or signed for another campaign or with another key
	Fresh           // younger than MinAge
	Expired         // older than MaxAge (or from the future)
	Spent           // good, but this client has already signed with it
	Confirm         // none, from a static copy: confirm on the live site
)

// Signer issues and checks tokens with one secret.
type Signer struct {
	key []byte
}

// New returns the Signer for secret (the store's, or PLACARD_SECRET).
func New(secret []byte) Signer { return Signer{key: secret} }

// Issue returns the token for the campaign at path ("org/campaign") issued
// at t (to the second).
func (s Signer) Issue(path string, t time.Time) string {
	var b [raw]byte
	binary.BigEndian.PutUint64(b[:8], uint64(t.Unix()))
	s.sum(b[8:8], path, b[:8])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// sum appends the truncated MAC of path and stamp to dst.
func (s Signer) sum(dst []byte, path string, stamp []byte) []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(path))
	m.Write(stamp)
	var full [sha256.Size]byte
	return append(dst, m.Sum(full[:0])[:16]...)
}

// Check reports whether tok is a good token for path at now (OK, Missing,
// Forged, Fresh or Expired), and its issue time when its MAC holds (OK,
// Fresh and Expired), else the zero time.
func (s Signer) Check(path, tok string, now time.Time) (Problem, time.Time) {
	if tok == "" {
		return Missing, time.Time{}
	}
	if len(tok) != Len {
		return Forged, time.Time{}
	}
	var b [raw]byte
	if n, err := base64.RawURLEncoding.Decode(b[:], []byte(tok)); err != nil || n != raw {
		return Forged, time.Time{}
	}
	var want [16]byte
	if !hmac.Equal(s.sum(want[:0], path, b[:8]), b[8:]) {
		return Forged, time.Time{}
	}
	issued := time.Unix(int64(binary.BigEndian.Uint64(b[:8])), 0)
	age := now.Sub(issued)
	switch {
	case age < -time.Minute || age > MaxAge:
		// A token from well in the future was signed by an instance whose
		// clock is wrong; treat it like an old one: ask for a fresh form.
		return Expired, issued
	case age < MinAge:
		return Fresh, issued
	}
	return OK, issued
}
