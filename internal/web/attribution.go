package web

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/placard/placard/internal/attribution"
	"github.com/placard/placard/internal/formtoken"
	"github.com/placard/placard/internal/pagecache"
	"github.com/placard/placard/internal/store"
)

// This file is the HTTP side of attribution (internal/attribution): which
// share rendering a response gets, which page views count as arrivals, and
// writing what the counters hold to the store. Where visitors come from and
// what sharing brings is counted without cookies, without personal data and
// without making any page vary per visitor (see DESIGN.md's privacy rules).
//
// A new signer's personal link and private key reach the thank-you page
// inside an encrypted, short-lived claim (formtoken.Claims), never in the
// clear in an address, and the private address is shown once.

// paramClaim names the thank-you page's claim (?claim=).
const paramClaim = "claim"

// refTokenLen and refKeyLen are the lengths of a personal link's token and
// key, which a claim carries (server.go gives them to formtoken.NewClaims).
const (
	refTokenLen = attribution.TokenLen
	refKeyLen   = attribution.KeyLen
)

// An attribution form value takes a form token's place in a cached page's
// stored blocks (internal/pagecache), so the two must have one length: this fails
// to compile otherwise.
const _ = uint(formtoken.Len-attribution.FormValueLen) + uint(attribution.FormValueLen-formtoken.Len)

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

// pickRotation chooses among a page's n share renderings: the one a
// revalidating browser holds, so a reader who reloads keeps the wording
// they saw and gets a 304, else the next in turn.
//
// Each rendering's ETags name it (pagecache.VariantIn), and ETags are the
// same on every instance and after a restart (a hash of the bytes), so the
// reader's rendering is found on an instance that has not made it yet:
// it is rendered, as the one chosen, and Serve answers 304 when its
// content is unchanged. A browser may list several (it held more than one
// rendering): of the first pagecache.MaxVariantsLooked named, pickRotation
// takes one already rendered whose content the header names (a 304 for
// sure; peek says so without rendering), else the first not rendered yet
// (it may be current), else the first named. The rendering is never found
// by rendering each one to ask whether it matches, which would render all
// n for any client sending a made-up If-None-Match (and keep them). A
// request therefore renders at most the one rendering it is sent, named
// or in turn, header or not.
//
// peek(v, inm) reports whether rendering v is rendered, and if so whether
// If-None-Match inm names its current content; it must never render.
func (s *Server) pickRotation(r *http.Request, n int, peek func(v int, inm []string) (rendered, current bool)) int {
	inm := r.Header["If-None-Match"]
	if len(inm) == 0 {
		return s.rotate(r, n)
	}
	named, unrendered, current := -1, -1, -1
	pagecache.VariantsIn(inm, n, func(v int) bool {
		if named < 0 {
			named = v
		}
		made, cur := peek(v, inm)
		if made && cur {
			current = v
			return false
		}
		if !made && unrendered < 0 {
			unrendered = v
		}
		return true
	})
	switch {
	case current >= 0:
		return current
	case unrendered >= 0:
		return unrendered
	case named >= 0:
		return named
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

// FlushCredits writes every credit held in memory to the store now, however
// few. serve's retention purge calls it before purging, so no credit of a
// campaign's last signatures is written after the campaign was purged. On
// failure they are kept for the next try.
func (s *Server) FlushCredits(ctx context.Context) error {
	return s.flushCredits(ctx, true)
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

// minLinkSecret is the fewest bytes of link secret a server accepts: what
// both stores write (store.LinkSecret).
const minLinkSecret = 32

// linkSecret reads the installation's personal-link secret from st (every
// instance sharing the database gets the same, so a key names the same
// token on all of them and after every restart). A store that keeps none
// (or none at all: previews, tests) gets a secret of this process's own.
func linkSecret(ctx context.Context, st store.Store) (*attribution.Links, error) {
	ls, ok := st.(store.LinkSecret)
	if !ok {
		secret := make([]byte, 32)
		_, _ = rand.Read(secret)
		return attribution.NewLinks(secret), nil
	}
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	secret, err := ls.LinkSecret(sctx)
	if err != nil {
		return nil, fmt.Errorf("reading the personal-link secret from the database: %w", err)
	}
	// Placard writes 32 random bytes. Anything shorter was changed by
	// hand or damaged: a new link's private page checks nothing but its
	// token, keyed by this secret, so a guessable secret would let anyone
	// search for a key that opens another person's page. Refuse it rather
	// than replace it, which would change every link's token.
	if len(secret) < minLinkSecret {
		return nil, fmt.Errorf("the personal-link secret in the database (settings 'link-secret') is %d bytes, fewer than %d: restore it from a backup", len(secret), minLinkSecret)
	}
	return attribution.NewLinks(secret), nil
}
