package web

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
	"net/http"
	"strings"
	"time"

	"github.com/placard/placard/internal/attribution"
)

// This file is the HTTP side of attribution (internal/attribution): which
// share rendering a response gets, which page views count as arrivals, and
// writing what the counters hold to the store. Where visitors come from and
// what sharing brings is counted without cookies, without personal data and
// without making any page vary per visitor (see DESIGN.md's privacy rules).
//
// A new signer's personal link and private key reach the thank-you page
// inside an encrypted, short-lived claim (claim below), never in the clear
// in an address, and the private address is shown once.

// paramClaim names the thank-you page's claim (?claim=).
const paramClaim = "claim"

// refTokenLen and refKeyLen are the lengths of a personal link's token and
// key, which a claim carries.
const (
	refTokenLen = attribution.TokenLen
	refKeyLen   = attribution.KeyLen
)

// An attribution form value takes a form token's place in a cached page's
// stored blocks (splice.go), so the two must have one length: this fails
// to compile otherwise.
const _ = uint(tokenLen-attribution.FormValueLen) + uint(attribution.FormValueLen-tokenLen)

// firstRotation, set in a request's context, asks for the first share
// rotation of a page rather than the next in turn: exports use it.
type firstRotation struct{}

// rotate picks the rendering of a page with n share rotations for r.
func (s *Server) rotate(r *http.Request, n int) int {
	if r.Context().Value(firstRotation{}) != nil {
		return 0
	}
	return int(s.rotation.Add(1) % uint64(n))
}

// pickRotation chooses among a page's share renderings: the one a
// revalidating browser already holds (If-None-Match names it), so a reader
// who reloads keeps the wording they saw and gets a 304, else the next in
// turn.
func (s *Server) pickRotation(r *http.Request, n int, holds func(i int, inm []string) bool) int {
	if inm := r.Header["If-None-Match"]; len(inm) > 0 {
		for i := range n {
			if holds(i, inm) {
				return i
			}
		}
	}
	return s.rotate(r, n)
}

// botAgents are words in the User-Agent of link-preview fetchers and
// crawlers: a network fetching a shared link to draw its card is not a
// person arriving.
var botAgents = []string{"bot", "crawl", "spider", "slurp", "preview", "facebookexternalhit", "embedly", "whatsapp", "telegram", "mastodon", "bluesky", "cardyb", "headless"}

// countArrival counts r as an arrival at campaign org/slug when its query
// carries a share source and it does not come from a preview fetcher.
func (s *Server) countArrival(r *http.Request, org, slug string) {
	if s.cfg.Store == nil || r.Method != http.MethodGet || r.URL.RawQuery == "" {
		return
	}
	source, _ := attribution.FromQuery(r.URL.Query())
	s.countArrivalFrom(r, org, slug, source)
}

// countArrivalFrom is countArrival with the source already read.
func (s *Server) countArrivalFrom(r *http.Request, org, slug, source string) {
	if s.cfg.Store == nil || r.Method != http.MethodGet || source == "" {
		return
	}
	// A browser fetching ahead of a click (speculative prefetch) is not an
	// arrival either: the click, if it comes, is.
	if p := r.Header.Get("Sec-Purpose") + r.Header.Get("Purpose"); strings.Contains(p, "prefetch") {
		return
	}
	ua := strings.ToLower(r.UserAgent())
	for _, b := range botAgents {
		if strings.Contains(ua, b) {
			return
		}
	}
	s.arrivals.Add(org, slug, source)
}

// FlushArrivals adds the arrivals counted since the last flush to the
// store, and the signatures' credits once enough have gathered. Run calls it after every poll and once more when it stops; on
// failure the counts are kept for the next try.
func (s *Server) FlushArrivals(ctx context.Context) error {
	if s.cfg.Store == nil {
		return nil
	}
	// Credits too, when enough have gathered.
	cerr := s.flushCredits(ctx, false)
	as := s.arrivals.Take()
	if len(as) == 0 {
		return cerr
	}
	if err := s.cfg.Store.AddArrivals(ctx, as); err != nil {
		s.arrivals.PutBack(as)
		return errors.Join(cerr, err)
	}
	return cerr
}

// flushCredits writes the credits counted so far when enough have gathered
// (see attribution.Credits.Take), or all of them when all is set (a
// stopping server). On failure they are kept for the next try.
func (s *Server) flushCredits(ctx context.Context, all bool) error {
	if s.cfg.Store == nil {
		return nil
	}
	now := s.cfg.Now()
	cs := s.credits.Take(now, all)
	if len(cs) == 0 {
		return nil
	}
	if err := s.cfg.Store.AddCredits(ctx, cs); err != nil {
		s.credits.PutBack(cs, now)
		return err
	}
	return nil
}

// A claim carries a new signer's personal link token and private key from
// the signing POST to the thank-you page through the 303 redirect, without
// cookies and without writing the key anywhere in the clear: it is the
// pair encrypted (AES-256-GCM, key derived from the form-token secret, so
// any instance sharing the database can read it) together with its expiry,
// bound to the campaign. A claim opens for claimTTL; the private key is
// shown the first time any instance opens it (the store records the
// claim's nonce, store.Store.ClaimOnce), and after that only the public
// link (a reload, the address from the history, or the same address on
// another instance shows no key).
const claimTTL = 30 * time.Minute

type claimer struct {
	aead cipher.AEAD
	// once records a claim's nonce and reports whether it was the first
	// opening: the store's ClaimOnce, shared by every instance.
	once func(ctx context.Context, nonce []byte, expires time.Time) (bool, error)
}

func newClaimer(secret []byte, once func(context.Context, []byte, time.Time) (bool, error)) *claimer {
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
	return &claimer{aead: aead, once: once}
}

// seal returns the claim for token and key on campaign ("org/slug").
func (c *claimer) seal(campaignKey, token, key string, now time.Time) string {
	plain := binary.BigEndian.AppendUint64(nil, uint64(now.Add(claimTTL).Unix()))
	plain = append(plain, token...)
	plain = append(plain, key...)
	nonce := make([]byte, c.aead.NonceSize())
	_, _ = rand.Read(nonce)
	return base64.RawURLEncoding.EncodeToString(c.aead.Seal(nonce, nonce, plain, []byte(campaignKey)))
}

// open reads a claim for campaign. ok is false for anything forged,
// malformed, expired or for another campaign. With consume set (a GET),
// first is true for the first opening among all instances; without it (a
// HEAD, which has no body to show a key in, or a link checker) first is
// false and the one showing is left for the GET. err is the store's
// failure to say.
func (c *claimer) open(ctx context.Context, campaignKey, claim string, now time.Time, consume bool) (token, key string, first, ok bool, err error) {
	raw, err := decodeClaim(claim)
	ns := c.aead.NonceSize()
	if err != nil || len(raw) < ns+c.aead.Overhead() {
		return "", "", false, false, nil
	}
	plain, err := c.aead.Open(nil, raw[:ns], raw[ns:], []byte(campaignKey))
	if err != nil || len(plain) != 8+refTokenLen+refKeyLen {
		return "", "", false, false, nil
	}
	exp := time.Unix(int64(binary.BigEndian.Uint64(plain[:8])), 0)
	if !now.Before(exp) {
		return "", "", false, false, nil
	}
	token, key = string(plain[8:8+refTokenLen]), string(plain[8+refTokenLen:])
	if consume {
		// Keyed by the nonce, not by the claim's text: however the claim
		// is spelt, one nonce is one showing.
		// The record must outlive the claim: its remaining life, on the
		// wall clock the store purges by (Config.Now may be a test's).
		keep := time.Now().Add(exp.Sub(now))
		if first, err = c.once(ctx, raw[:ns], keep); err != nil {
			return "", "", false, false, err
		}
	}
	return token, key, first, true, nil
}

// claimLen is the length of every claim seal makes: nonce, expiry, token,
// key and tag in unpadded base64.
const claimLen = ((12+8+refTokenLen+refKeyLen+16)*8 + 5) / 6

// decodeClaim decodes a claim strictly: exactly claimLen characters of the
// URL-safe base64 alphabet. Go's decoder skips \r and \n even in strict
// mode, so a claim with a newline added (%0A) would otherwise open as a
// different string with the same content.
func decodeClaim(claim string) ([]byte, error) {
	if len(claim) != claimLen {
		return nil, errBadClaim
	}
	for i := 0; i < len(claim); i++ {
		if c := claim[i]; !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return nil, errBadClaim
		}
	}
	return base64.RawURLEncoding.Strict().DecodeString(claim)
}

var errBadClaim = errors.New("malformed claim")
