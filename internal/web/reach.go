package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/placard/placard/internal/formtoken"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/site"
)

// This file is reach: where visitors come from and what sharing brings,
// counted without cookies, without personal data and without making any
// page vary per visitor (see DESIGN.md's privacy rules).
//
//   - Every share link the site makes carries a source tag in the address
//     it shares, ?src=x (ShareSources lists them). A supporter's personal
//     link carries ?ref=TOKEN, the link's random token.
//   - A page view with a known tag is an "arrival": counted in memory per
//     campaign and source, and added to the store with every poll (about
//     once a second, FlushArrivals). Nothing about the visitor is kept.
//   - The signing form of a live page has a hidden "via" field whose value
//     is spliced into the cached bytes per response, like the form token
//     (splice.go), so a signature made from a tagged page counts for its
//     source and for the personal link, while the page itself stays one
//     cached rendering. Those counts, and the personal links themselves,
//     are written apart from the signature (unlink.go).
//   - A new signer gets a personal link (a short public token) and a
//     private address (a longer key; only its hash is stored) where they can
//     see how many signatures their link brought. Both reach the thank-you
//     page inside an encrypted, short-lived claim (formtoken.Claims), never in
//     the clear in an address, and the private address is shown once.

// shareSources are the source tags Placard counts: one per share network,
// "copy" (the link copied from the page), "share" (the device's own share
// sheet, through the Web Share API), "personal" (a supporter's personal link
// without another tag), and the tags other parts of the site put on the
// links they make: "qr" for QR codes and posters, "embed" for partner
// sites' embeds and "feed" for the Atom feed. Any other ?src= value is
// ignored, so nobody can fill the counts with made-up names.
var shareSources = []string{
	"x", "bluesky", "mastodon", "facebook", "linkedin", "whatsapp", "telegram", "email",
	"copy", "share", "personal", "qr", "embed", "feed",
}

// ShareSources returns the source tags counted as arrivals and signatures
// (?src=TAG), in a fresh slice.
func ShareSources() []string { return slices.Clone(shareSources) }

// Query parameters of share links.
const (
	paramSource = "src"
	paramRef    = "ref"
	paramClaim  = "claim"
	paramKey    = "key"
	sourceCopy  = "copy"
	sourceShare = "share"
	sourceRef   = "personal"
)

// Personal links: the public token is refTokenLen base32 characters (50
// random bits: unguessable by trying, short enough to read aloud); the
// private key is 16 random bytes (128 bits), written in base32.
const (
	refTokenLen = 10
	refKeyBytes = 16
	refKeyLen   = (refKeyBytes*8 + 4) / 5 // 26
)

// b32 is lower-case base32 without padding: case-insensitive to type, and
// only [a-z2-7], which needs no escaping anywhere.
var b32 = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

func knownSource(s string) bool { return slices.Contains(shareSources, s) }

// validRef reports whether s has the shape of a personal link token.
func validRef(s string) bool {
	if len(s) != refTokenLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= '2' && c <= '7') {
			return false
		}
	}
	return true
}

// attribution reads the share source and personal link token from a query,
// keeping only well-formed values: src must be a known source, ref a token.
// A ref without a src counts as the "personal" source.
func attribution(q url.Values) (source, ref string) {
	source = strings.ToLower(strings.TrimSpace(q.Get(paramSource)))
	if !knownSource(source) {
		source = ""
	}
	ref = strings.ToLower(strings.TrimSpace(q.Get(paramRef)))
	if !validRef(ref) {
		ref = ""
	}
	if source == "" && ref != "" {
		source = sourceRef
	}
	return source, ref
}

// The via field carries attribution in the signing form. Its value is
// always viaLen characters (the token's length, so the cached page's gzip
// pieces and lengths never change): "source.ref" padded with dots.
const (
	fieldVia       = site.FieldAttribution
	viaLen         = formtoken.Len
	viaPlaceholder = site.AttributionSlot
)

var blankVia = []byte(site.AttributionBlank)

// encodeVia is the via value for source and ref (both already checked).
func encodeVia(source, ref string) []byte {
	if source == "" && ref == "" {
		return nil
	}
	v := append([]byte(source+"."+ref), blankVia...)
	return v[:viaLen]
}

// decodeVia reads a posted via value; anything malformed reads as none.
func decodeVia(v string) (source, ref string) {
	v = strings.TrimRight(v, ".")
	source, ref, _ = strings.Cut(v, ".")
	if !knownSource(source) {
		source = ""
	}
	if !validRef(ref) {
		ref = ""
	}
	return source, ref
}

// withSource returns link with ?src=source (and &ref=ref when set) added.
func withSource(link, source, ref string) string {
	sep := "?"
	if strings.Contains(link, "?") {
		sep = "&"
	}
	if ref != "" {
		link += sep + paramRef + "=" + ref
		sep = "&"
	}
	if source != "" {
		link += sep + paramSource + "=" + source
	}
	return link
}

// arrivals counts page views that came with a share source, per campaign
// and source, until the next flush. Keys are limited to public campaigns
// and known sources, so the map stays small whatever visitors send.
type arrivals struct {
	mu sync.Mutex
	n  map[arrivalKey]int
}

type arrivalKey struct{ org, campaign, source string }

func (a *arrivals) add(org, campaign, source string) {
	a.mu.Lock()
	if a.n == nil {
		a.n = map[arrivalKey]int{}
	}
	a.n[arrivalKey{org, campaign, source}]++
	a.mu.Unlock()
}

// take empties the counter and returns what it held.
func (a *arrivals) take() []signing.Arrivals {
	a.mu.Lock()
	n := a.n
	a.n = nil
	a.mu.Unlock()
	out := make([]signing.Arrivals, 0, len(n))
	for k, c := range n {
		out = append(out, signing.Arrivals{Org: k.org, Campaign: k.campaign, Source: k.source, Count: c})
	}
	return out
}

// putBack returns counts a failed flush could not store, so they are
// tried again with the next flush rather than lost.
func (a *arrivals) putBack(as []signing.Arrivals) {
	for _, x := range as {
		a.mu.Lock()
		if a.n == nil {
			a.n = map[arrivalKey]int{}
		}
		a.n[arrivalKey{x.Org, x.Campaign, x.Source}] += x.Count
		a.mu.Unlock()
	}
}

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
	source, _ := attribution(r.URL.Query())
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
	s.arrivals.add(org, slug, source)
}

// FlushArrivals adds the arrivals counted since the last flush to the
// store, and the signatures' credits once enough have gathered. Run calls it after every poll and once more when it stops; on
// failure the counts are kept for the next try.
func (s *Server) FlushArrivals(ctx context.Context) error {
	if s.cfg.Store == nil {
		return nil
	}
	// Credits too, when enough have gathered (unlink.go).
	cerr := s.flushCredits(ctx, false)
	as := s.arrivals.take()
	if len(as) == 0 {
		return cerr
	}
	if err := s.cfg.Store.AddArrivals(ctx, as); err != nil {
		s.arrivals.putBack(as)
		return errors.Join(cerr, err)
	}
	return cerr
}

// newReferral makes a personal link: its private key (from crypto/rand,
// never from anything about the signer), its public token (refToken of the
// key), and the Referral to store, which holds only the key's hash.
func newReferral() (token, key string, ref signing.Referral) {
	var raw [refKeyBytes]byte
	_, _ = rand.Read(raw[:])
	key = b32.EncodeToString(raw[:])
	token = refToken(key)
	return token, key, signing.Referral{Token: token, SecretHash: keyHash(key)}
}

// refToken is the public token of the link with private key key: a hash,
// so the token tells nothing of the key, while anyone holding a key (the
// private page) can name its link without the store. The private page of a
// key the store does not hold shows refToken(key), exactly as it would if
// the link had been stored (an address that had already signed, or the
// honeypot, gets a claim for such a link), so the page cannot tell a
// stored link from one that never was.
func refToken(key string) string {
	sum := sha256.Sum256([]byte("placard personal link token\x00" + key))
	return b32.EncodeToString(sum[:8])[:refTokenLen]
}

// keyHash is what the store keeps of a private key.
func keyHash(key string) [32]byte { return sha256.Sum256([]byte("placard personal link\x00" + key)) }

// validKey reports whether s has the shape of a private key.
func validKey(s string) bool {
	if len(s) != refKeyLen {
		return false
	}
	_, err := b32.DecodeString(s)
	return err == nil
}
