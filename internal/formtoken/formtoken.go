// Package formtoken signs and checks the signing forms' tokens, remembers
// which have signed, and seals the claims that carry a new signer's
// personal link to the thank-you page. It is a mechanism only: it knows
// nothing of HTTP, pages or the store (the claims' one-showing record is a
// function the caller passes in).
package formtoken

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"sync"
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
	// pads are the secret's HMAC-SHA256 inner and outer key blocks (RFC
	// 2104: the key, hashed first when longer than a block, zero-padded
	// and XORed with 0x36 and 0x5c), worked out once by New so each token
	// is MACed on the stack with no allocation. The MAC is HMAC-SHA256
	// exactly as crypto/hmac computes it (TestMACIsHMAC).
	pads *[2][sha256.BlockSize]byte
}

// New returns the Signer for secret (the store's, or PLACARD_SECRET).
func New(secret []byte) Signer {
	key := secret
	if len(key) > sha256.BlockSize {
		sum := sha256.Sum256(key)
		key = sum[:]
	}
	pads := new([2][sha256.BlockSize]byte)
	copy(pads[0][:], key)
	copy(pads[1][:], key)
	for i := range sha256.BlockSize {
		pads[0][i] ^= 0x36
		pads[1][i] ^= 0x5c
	}
	return Signer{pads: pads}
}

// Issue returns the token for the campaign at path ("org/campaign") issued
// at t (to the second).
func (s Signer) Issue(path string, t time.Time) string {
	var b [raw]byte
	binary.BigEndian.PutUint64(b[:8], uint64(t.Unix()))
	s.sum(b[8:8], path, b[:8])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// sum appends the truncated MAC of path and stamp to dst:
// HMAC-SHA256(secret, path || stamp)[:16], built in buffers on the stack
// (a campaign's path is short; a longer one only moves the buffer to the
// heap).
func (s Signer) sum(dst []byte, path string, stamp []byte) []byte {
	var in [sha256.BlockSize + 192]byte
	b := append(in[:0], s.pads[0][:]...)
	b = append(b, path...)
	b = append(b, stamp...)
	inner := sha256.Sum256(b)
	var out [sha256.BlockSize + sha256.Size]byte
	copy(out[:], s.pads[1][:])
	copy(out[sha256.BlockSize:], inner[:])
	full := sha256.Sum256(out[:])
	return append(dst, full[:16]...)
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
	// due is the earliest moment a bucket may be dropped (dueAfter): a
	// claim before it looks at no bucket but its own.
	due time.Time
}

// dueAfter is the moment after which bucket hour's every token is past
// MaxAge, with a minute's grace.
func dueAfter(hour int64) time.Time {
	return time.Unix((hour+1)*3600, 0).Add(MaxAge + time.Minute)
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
	if u.due.Before(now) {
		// Drop the buckets whose every token is past MaxAge, and note
		// when the next is due: a day of hourly buckets is not walked,
		// nor its times worked out, on every signature.
		u.due = time.Time{}
		for h := range u.buckets {
			if d := dueAfter(h); d.Before(now) {
				delete(u.buckets, h)
			} else if u.due.IsZero() || d.Before(u.due) {
				u.due = d
			}
		}
	}
	b := u.buckets[hour]
	if b == nil {
		b = map[[16]byte]struct{}{}
		u.buckets[hour] = b
		if d := dueAfter(hour); u.due.IsZero() || d.Before(u.due) {
			u.due = d
		}
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

// A claim carries a new signer's personal link token and private key from
// the signing POST to the thank-you page through the 303 redirect, without
// cookies and without writing the key anywhere in the clear: it is the
// pair encrypted (AES-256-GCM, key derived from the form-token secret, so
// any instance sharing the database can read it) together with its expiry,
// bound to the campaign. A claim opens for ClaimTTL; the private key is
// shown the first time any instance opens it (the store records the
// claim's nonce, store.Store.ClaimOnce), and after that only the public
// link (a reload, the address from the history, or the same address on
// another instance shows no key).
const ClaimTTL = 30 * time.Minute

// OnceFunc records a claim's nonce until expires and reports whether this
// was its first opening among every instance (the store's ClaimOnce).
type OnceFunc func(ctx context.Context, nonce []byte, expires time.Time) (bool, error)

// Claims seals and opens claims with one secret, for personal link tokens
// and private keys of fixed lengths.
type Claims struct {
	aead             cipher.AEAD
	tokenLen, keyLen int
	// size is the length of every claim Seal makes: nonce, expiry, token,
	// key and tag in unpadded base64.
	size int
	once OnceFunc
}

// NewClaims returns the Claims keyed from secret, for link tokens of
// tokenLen and private keys of keyLen bytes. once records each claim's
// first opening; nil means a claim is never first (no private key shown).
func NewClaims(secret []byte, tokenLen, keyLen int, once OnceFunc) *Claims {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("placard thank-you claim key"))
	block, err := aes.NewCipher(m.Sum(nil))
	if err != nil {
		panic(err) // a 32-byte key is always valid
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		panic(err)
	}
	if once == nil {
		once = func(context.Context, []byte, time.Time) (bool, error) { return false, nil }
	}
	size := ((aead.NonceSize()+8+tokenLen+keyLen+aead.Overhead())*8 + 5) / 6
	return &Claims{aead: aead, tokenLen: tokenLen, keyLen: keyLen, size: size, once: once}
}

// Seal returns the claim for token and key on campaign ("org/slug"),
// opening until now+ClaimTTL.
func (c *Claims) Seal(campaignKey, token, key string, now time.Time) string {
	return string(c.AppendSeal(nil, campaignKey, token, key, now))
}

// AppendSeal appends the claim Seal returns to dst, so a caller can build
// the address that carries it in one buffer. The sealing itself takes one
// allocation: the nonce, the plaintext (encrypted in place, followed by
// its tag) and the campaign bound in as additional data share one buffer.
func (c *Claims) AppendSeal(dst []byte, campaignKey, token, key string, now time.Time) []byte {
	ns, overhead := c.aead.NonceSize(), c.aead.Overhead()
	plainLen := 8 + len(token) + len(key)
	buf := make([]byte, ns+plainLen+overhead+len(campaignKey))
	nonce, plain, ad := buf[:ns], buf[ns:ns+plainLen], buf[ns+plainLen+overhead:]
	_, _ = rand.Read(nonce)
	binary.BigEndian.PutUint64(plain, uint64(now.Add(ClaimTTL).Unix()))
	copy(plain[8:], token)
	copy(plain[8+len(token):], key)
	copy(ad, campaignKey)
	// Sealed in place: the ciphertext and tag are appended to the nonce,
	// over the plaintext (the exact overlap cipher.AEAD allows).
	sealed := c.aead.Seal(nonce, nonce, plain, ad)
	return base64.RawURLEncoding.AppendEncode(dst, sealed)
}

// Open reads a claim for campaign. ok is false for anything forged,
// malformed, expired or for another campaign. With consume set (a GET),
// first is true for the first opening among all instances; without it (a
// HEAD, which has no body to show a key in, or a link checker) first is
// false and the one showing is left for the GET. err is the store's
// failure to say.
func (c *Claims) Open(ctx context.Context, campaignKey, claim string, now time.Time, consume bool) (token, key string, first, ok bool, err error) {
	raw, err := c.decode(claim)
	ns := c.aead.NonceSize()
	if err != nil || len(raw) < ns+c.aead.Overhead() {
		return "", "", false, false, nil
	}
	plain, err := c.aead.Open(nil, raw[:ns], raw[ns:], []byte(campaignKey))
	if err != nil || len(plain) != 8+c.tokenLen+c.keyLen {
		return "", "", false, false, nil
	}
	exp := time.Unix(int64(binary.BigEndian.Uint64(plain[:8])), 0)
	if !now.Before(exp) {
		return "", "", false, false, nil
	}
	token, key = string(plain[8:8+c.tokenLen]), string(plain[8+c.tokenLen:])
	if consume {
		// Keyed by the nonce, not by the claim's text: however the claim
		// is spelt, one nonce is one showing.
		// The record must outlive the claim: its remaining life, on the
		// wall clock the store purges by (now may be a test's clock).
		keep := time.Now().Add(exp.Sub(now))
		if first, err = c.once(ctx, raw[:ns], keep); err != nil {
			return "", "", false, false, err
		}
	}
	return token, key, first, true, nil
}

// decode decodes a claim strictly: exactly c.size characters of the
// URL-safe base64 alphabet. Go's decoder skips \r and \n even in strict
// mode, so a claim with a newline added (%0A) would otherwise open as a
// different string with the same content.
func (c *Claims) decode(claim string) ([]byte, error) {
	if len(claim) != c.size {
		return nil, errBadClaim
	}
	for i := 0; i < len(claim); i++ {
		if ch := claim[i]; !(ch >= 'A' && ch <= 'Z' || ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || ch == '-' || ch == '_') {
			return nil, errBadClaim
		}
	}
	return base64.RawURLEncoding.Strict().DecodeString(claim)
}

var errBadClaim = errors.New("malformed claim")
