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
	"time"
)

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
	plain := binary.BigEndian.AppendUint64(nil, uint64(now.Add(ClaimTTL).Unix()))
	plain = append(plain, token...)
	plain = append(plain, key...)
	nonce := make([]byte, c.aead.NonceSize())
	_, _ = rand.Read(nonce)
	return base64.RawURLEncoding.EncodeToString(c.aead.Seal(nonce, nonce, plain, []byte(campaignKey)))
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
