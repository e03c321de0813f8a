// Package attribution is where visitors come from and what sharing brings,
// counted without cookies, without personal data and without making any
// page vary per visitor (see docs/security.md). It knows nothing of HTTP
// or SQL: web reads the requests and calls in, and the store keeps what
// the counters hand over.
//
//   - Every share link the site makes carries a source tag in the address
//     it shares, ?src=x (Sources lists them). A supporter's personal link
//     carries ?ref=TOKEN, the link's public token.
//   - A page view with a known tag is an arrival: counted in memory per
//     campaign and source (Arrivals) and written to the store in batches.
//   - The signing form of a live page carries the page's attribution in a
//     hidden field of fixed length (FormValue), spliced into the cached
//     bytes per response, so a signature made from a tagged page counts for
//     its source and for the personal link while the page itself stays one
//     cached rendering.
//   - A new signer gets a personal link (Links.New: a longer private key
//     and a short public token, a keyed hash of the key), stored nowhere
//     until it brings someone, and what signatures brought is counted
//     apart from them (Credits), so nothing in the database ties a
//     signature to its link.
package attribution

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/placard/placard/internal/signing"
)

// sources are the source tags Placard counts: one per share network,
// "copy" (the link copied from the page), "share" (the device's own share
// sheet, through the Web Share API), "personal" (a supporter's personal link
// without another tag), and the tags other parts of the site put on the
// links they make: "qr" for QR codes and posters, "embed" for partner
// sites' embeds and "feed" for the Atom feed. Any other ?src= value is
// ignored, so nobody can fill the counts with made-up names.
var sources = []string{
	"x", "bluesky", "mastodon", "facebook", "linkedin", "whatsapp", "telegram", "email",
	"copy", "share", "personal", "qr", "embed", "feed",
}

// Sources returns the source tags counted as arrivals and signatures
// (?src=TAG), in a fresh slice.
func Sources() []string { return slices.Clone(sources) }

// Query parameters of share links and of a personal link's private page.
const (
	// ParamSource names a link's source tag (?src=).
	ParamSource = "src"
	// ParamRef names a personal link's public token (?ref=).
	ParamRef = "ref"
	// ParamKey names a personal link's private key on its private page (?key=).
	ParamKey = "key"
)

// Source tags the site itself puts on links or infers.
const (
	// SourceCopy is the link copied from the page.
	SourceCopy = "copy"
	// SourceShare is the device's own share sheet (Web Share API).
	SourceShare = "share"
	// SourcePersonal is a personal link followed without another tag.
	SourcePersonal = "personal"
)

// KnownSource reports whether s is one of Sources.
// A share network's wording (x-2, wording.go) is known too.
func KnownSource(s string) bool { return slices.Contains(sources, s) || isWording(s) }

// FromQuery reads the share source and personal link token from a query,
// keeping only well-formed values: src must be a known source, ref a token.
// A ref without a src counts as the "personal" source.
func FromQuery(q url.Values) (source, ref string) {
	source = strings.ToLower(strings.TrimSpace(q.Get(ParamSource)))
	if !KnownSource(source) {
		source = ""
	}
	ref = strings.ToLower(strings.TrimSpace(q.Get(ParamRef)))
	if !ValidToken(ref) {
		ref = ""
	}
	if source == "" && ref != "" {
		source = SourcePersonal
	}
	return source, ref
}

// WithSource returns link with ?src=source (and &ref=ref when set) added.
func WithSource(link, source, ref string) string {
	sep := "?"
	if strings.Contains(link, "?") {
		sep = "&"
	}
	if ref != "" {
		link += sep + ParamRef + "=" + ref
		sep = "&"
	}
	if source != "" {
		link += sep + ParamSource + "=" + source
	}
	return link
}

// The signing form carries the attribution of the page it was served from
// in a hidden field. Its value is always FormValueLen characters, the form
// token's length, so a cached page's compressed pieces and lengths never
// change when a response splices a value in: "source.ref" padded with dots.
const (
	// FormField is the hidden field's name (the name pages have always used).
	FormField = "via"
	// FormValueLen is the length of every form value, blank or not.
	FormValueLen = 32
	// FormPlaceholder marks where a rendered page's form value goes; the
	// page cache replaces it per response.
	FormPlaceholder = "PlacardAttributionSlot0000000000"
)

var blankFormValue = bytes.Repeat([]byte{'.'}, FormValueLen)

// BlankFormValue is the form value of a page reached without attribution.
// The slice is shared: callers must not change it.
func BlankFormValue() []byte { return blankFormValue }

// FormValue is the form value for source and ref (both already checked,
// as FromQuery and ParseFormValue return them); nil when both are empty.
func FormValue(source, ref string) []byte {
	if source == "" && ref == "" {
		return nil
	}
	v := append([]byte(source+"."+ref), blankFormValue...)
	return v[:FormValueLen]
}

// ParseFormValue reads a posted form value; anything malformed reads as
// none.
func ParseFormValue(v string) (source, ref string) {
	v = strings.TrimRight(v, ".")
	source, ref, _ = strings.Cut(v, ".")
	if !KnownSource(source) {
		source = ""
	}
	if !ValidToken(ref) {
		ref = ""
	}
	return source, ref
}

// Personal links, and keeping signers apart from them in the database. A
// transaction that stored a signature and also created the signer's
// personal link, or credited the link they followed, would tie them
// together for anyone who reads the database's own bookkeeping: PostgreSQL
// stamps every row with the id of the transaction that wrote it (xmin) and
// appends rows in the order they come (ctid); SQLite's write-ahead log keeps
// a transaction's pages together. So the signature's transaction writes
// neither:
//
//   - a signer's personal link is stored nowhere when it is made (Links.New):
//     its private key is random, and its public token is a keyed hash of
//     the key (Links.Token), so the key alone names its link, and nothing
//     is written until the link brings someone;
//   - what a signature brought (its source, the link it followed) is
//     counted in memory once the signature is stored, and written in
//     batches of at least creditBatch signatures, summed per row and in key
//     order (Credits). A link's row is made by the first batch that
//     credits it, holding its token and its count, nothing else. A
//     made-up token gets a row the same way, from a signing form sent
//     through it: a repeat of an address that had signed counts too (so
//     no count tells whether an address had signed), so a row costs a
//     form within the rate limits, not a new signature, as inflating a
//     real link's count does.
//
// The price: a crash loses the counts not yet written (never a signature),
// at most creditBatch signatures' worth or creditMaxAge of a quiet site;
// a clean stop writes them.
//
// The token is keyed by the installation's link secret (kept in the
// database, the same for every instance), so nobody without it can search
// for the key behind a token offline; the private page checks no stored
// hash for these links. Links made before (when every link was stored
// ahead of need, with the hash of its key) keep their rows: their token
// is LegacyToken of the key and their row holds KeyHash of it, which the
// private page checks first.

// Personal links: the public token is TokenLen base32 characters (50
// bits: unguessable by trying, short enough to read aloud); the
// private key is 16 random bytes (128 bits), written in base32.
const (
	// TokenLen is the length of a personal link's public token.
	TokenLen = 10
	keyBytes = 16
	// KeyLen is the length of a personal link's private key.
	KeyLen = (keyBytes*8 + 4) / 5 // 26
)

// b32 is lower-case base32 without padding: case-insensitive to type, and
// only [a-z2-7], which needs no escaping anywhere.
var b32 = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// ValidToken reports whether s has the shape of a personal link's public
// token.
func ValidToken(s string) bool {
	if len(s) != TokenLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= '2' && c <= '7') {
			return false
		}
	}
	return true
}

// ValidKey reports whether s has the shape of a private key.
func ValidKey(s string) bool {
	if len(s) != KeyLen {
		return false
	}
	_, err := b32.DecodeString(s)
	return err == nil
}

// Links makes personal links and names their public tokens under the
// installation's link secret. It holds no state but the secret's HMAC
// pads, so one is shared by every request.
type Links struct {
	ipad, opad [sha256.BlockSize]byte
}

// NewLinks returns the Links of an installation whose link secret is
// secret (store.LinkSecret: 32 random bytes kept in the database, the same
// for every instance, so a key names the same token everywhere and after
// every restart).
func NewLinks(secret []byte) *Links {
	l := &Links{}
	if len(secret) > sha256.BlockSize {
		sum := sha256.Sum256(secret)
		secret = sum[:]
	}
	copy(l.ipad[:], secret)
	copy(l.opad[:], secret)
	for i := range l.ipad {
		l.ipad[i] ^= 0x36
		l.opad[i] ^= 0x5c
	}
	return l
}

// New makes a personal link: its private key, from crypto/rand and never
// from anything about the signer, and its public token (Token of the key).
// Nothing is stored: the link's row is made when it first brings a
// signature (store.Store.AddCredits).
func (l *Links) New() (token, key string) {
	var raw [keyBytes]byte
	_, _ = rand.Read(raw[:])
	var enc [KeyLen]byte
	b32.Encode(enc[:], raw[:])
	key = string(enc[:])
	return l.Token(key), key
}

// Token is the public token of the link with private key key: the first
// TokenLen base32 characters of HMAC-SHA256(link secret, domain ‖ key).
// The token tells nothing of the key, and without the secret nobody can
// search for a key that names a given token; anyone holding a key (the
// private page) names its link without the store. The private page of a
// key never credited shows Token(key) with no signatures, exactly as for
// any new link (an address that had already signed, or the honeypot, gets
// a claim for a link made the same way).
func (l *Links) Token(key string) string {
	const prefix = "placard personal link token v2\x00"
	// HMAC (RFC 2104) by hand over buffers on the stack: crypto/hmac's
	// hash.Hash would cost allocations on every signature.
	var inner [sha256.BlockSize + len(prefix) + KeyLen]byte
	in := append(append(append(inner[:0], l.ipad[:]...), prefix...), key...)
	isum := sha256.Sum256(in)
	var outer [sha256.BlockSize + sha256.Size]byte
	sum := sha256.Sum256(append(append(outer[:0], l.opad[:]...), isum[:]...))
	var enc [(8*8 + 4) / 5]byte // 13 characters of the MAC's first 8 bytes
	b32.Encode(enc[:], sum[:8])
	return string(enc[:TokenLen])
}

// LegacyToken is the public token of a link made before links were keyed
// by the link secret: an unkeyed hash of its key. Such links were stored
// when made, with KeyHash of their key, which the private page checks
// (a token of 50 bits anyone can hash towards is no proof of holding a
// key). New links never use it.
func LegacyToken(key string) string {
	const prefix = "placard personal link token\x00"
	var buf [len(prefix) + KeyLen]byte // on the stack for a key of KeyLen
	sum := sha256.Sum256(append(append(buf[:0], prefix...), key...))
	var enc [(8*8 + 4) / 5]byte // 13 characters of the hash's first 8 bytes
	b32.Encode(enc[:], sum[:8])
	return string(enc[:TokenLen])
}

// KeyHash is what the store kept of a legacy link's private key
// (LegacyToken).
func KeyHash(key string) [32]byte {
	const prefix = "placard personal link\x00"
	var buf [len(prefix) + KeyLen]byte
	return sha256.Sum256(append(append(buf[:0], prefix...), key...))
}

// Arrivals counts page views that came with a share source, per campaign
// and source, until the next flush. Callers add only public campaigns and
// known sources, so the map stays small whatever visitors send. The zero
// value is ready to use.
type Arrivals struct {
	mu sync.Mutex
	n  map[arrivalKey]int
}

type arrivalKey struct{ org, campaign, source string }

// Add counts one arrival at campaign org/campaign from source.
func (a *Arrivals) Add(org, campaign, source string) {
	a.mu.Lock()
	if a.n == nil {
		a.n = map[arrivalKey]int{}
	}
	a.n[arrivalKey{org, campaign, source}]++
	a.mu.Unlock()
}

// Take empties the counter and returns what it held.
func (a *Arrivals) Take() []signing.Arrivals {
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

// PutBack returns counts a failed flush could not store, so they are
// tried again with the next flush rather than lost.
func (a *Arrivals) PutBack(as []signing.Arrivals) {
	for _, x := range as {
		a.mu.Lock()
		if a.n == nil {
			a.n = map[arrivalKey]int{}
		}
		a.n[arrivalKey{x.Org, x.Campaign, x.Source}] += x.Count
		a.mu.Unlock()
	}
}

const (
	// creditBatch is how many stored signatures' credits are gathered
	// before they are written: the signatures one credit could come from.
	creditBatch = 10
	// creditMaxAge is how long a quiet site holds credits before writing
	// fewer than creditBatch, so counts still arrive.
	creditMaxAge = 10 * time.Minute
)

// Credits counts what stored signatures brought until they are written
// (the comment on personal links above says why apart from the signatures). The map holds one entry
// per campaign, source and followed link. The zero value is ready to use.
type Credits struct {
	mu      sync.Mutex
	n       map[creditKey]creditCount
	pending int       // signatures counted since the last write
	since   time.Time // when the first of them was counted
}

type creditKey struct{ org, campaign, source, referrer string }

// creditCount is how many signatures a credit counts and when the first
// of them was counted: the store drops a credit that may count
// signatures since moved apart with a removed campaign's rows
// (signing.Credit.Age).
type creditCount struct {
	n     int
	first time.Time
}

// Add counts one stored signature of org/campaign that came from source
// and followed the personal link referrer (either may be empty). now
// must be a time read before the signature was handed to the store (web
// reads it at the request's start): the store compares it with when a
// removed campaign's rows were moved apart (store.Store.AddCredits).
func (c *Credits) Add(org, campaign, source, referrer string, now time.Time) {
	c.mu.Lock()
	if c.n == nil {
		c.n = map[creditKey]creditCount{}
	}
	k := creditKey{org, campaign, source, referrer}
	cc, ok := c.n[k]
	if !ok {
		cc.first = now
	}
	cc.n++
	c.n[k] = cc
	if c.pending == 0 {
		c.since = now
	}
	c.pending++
	c.mu.Unlock()
}

// Take empties the counter and returns what it held, when it holds at
// least creditBatch signatures, its oldest is creditMaxAge old, or all is
// set; otherwise it returns nothing. Each credit's Age is how long before
// now its first signature was counted.
func (c *Credits) Take(now time.Time, all bool) []signing.Credit {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pending == 0 || !all && c.pending < creditBatch && now.Sub(c.since) < creditMaxAge {
		return nil
	}
	out := make([]signing.Credit, 0, len(c.n))
	for k, v := range c.n {
		out = append(out, signing.Credit{Org: k.org, Campaign: k.campaign, Source: k.source, Referrer: k.referrer, Count: v.n, Age: max(now.Sub(v.first), 0)})
	}
	c.n, c.pending = nil, 0
	return out
}

// PendingFor is how many signatures counted but not yet written followed
// the link token of org/campaign, so its owner's private page is current.
func (c *Credits) PendingFor(org, campaign, token string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for k, v := range c.n {
		if k.referrer == token && k.org == org && k.campaign == campaign {
			n += v.n
		}
	}
	return n
}

// PutBack returns credits a failed write could not store.
func (c *Credits) PutBack(cs []signing.Credit, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = map[creditKey]creditCount{}
	}
	if c.pending == 0 {
		c.since = now
	}
	for _, x := range cs {
		// Its age goes on from when it was first counted.
		k, first := creditKey{x.Org, x.Campaign, x.Source, x.Referrer}, now.Add(-x.Age)
		cc, ok := c.n[k]
		if !ok || first.Before(cc.first) {
			cc.first = first
		}
		cc.n += x.Count
		c.n[k] = cc
		c.pending += x.Count
	}
}
