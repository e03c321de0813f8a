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
//   - A new signer gets a personal link (NewLink: a short public token and a
//     longer private key of which the store keeps only the hash), handed
//     out from a pool made ahead of need (LinkPool), and what signatures
//     brought is counted apart from them (Credits), so nothing in the
//     database ties a signature to its link.
package attribution

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"errors"
	mrand "math/rand/v2"
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
//   - personal links are made ahead of need, a batch at a time in a
//     transaction of their own (LinkStore.AddLinks, in token order), and
//     each signer is handed one picked at random from the campaign's pool
//     (LinkPool);
//   - what a signature brought (its source, the link it followed) is
//     counted in memory once the signature is stored, and written in
//     batches of at least creditBatch signatures, summed per row and in key
//     order (Credits).
//
// The price: a crash loses the counts not yet written (never a signature),
// at most creditBatch signatures' worth or creditMaxAge of a quiet site;
// a clean stop writes them. And links that were made but never handed out
// when an instance stops stay in the table with no signatures, shown to
// nobody (no one holds their key).

// Personal links: the public token is TokenLen base32 characters (50
// random bits: unguessable by trying, short enough to read aloud); the
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

// NewLink makes a personal link: its private key (from crypto/rand, never
// from anything about the signer), its public token (TokenOf the key), and
// the Referral to store, which holds only the key's hash.
func NewLink() (token, key string, ref signing.Referral) {
	var raw [keyBytes]byte
	_, _ = rand.Read(raw[:])
	var enc [KeyLen]byte
	b32.Encode(enc[:], raw[:])
	key = string(enc[:])
	token = TokenOf(key)
	return token, key, signing.Referral{Token: token, SecretHash: KeyHash(key)}
}

// TokenOf is the public token of the link with private key key: a hash,
// so the token tells nothing of the key, while anyone holding a key (the
// private page) can name its link without the store. The private page of a
// key the store does not hold shows TokenOf(key), exactly as it would if
// the link had been stored (an address that had already signed, or the
// honeypot, gets a claim for such a link), so the page cannot tell a
// stored link from one that never was.
func TokenOf(key string) string {
	const prefix = "placard personal link token\x00"
	var buf [len(prefix) + KeyLen]byte // on the stack for a key of KeyLen
	sum := sha256.Sum256(append(append(buf[:0], prefix...), key...))
	var enc [(8*8 + 4) / 5]byte // 13 characters of the hash's first 8 bytes
	b32.Encode(enc[:], sum[:8])
	return string(enc[:TokenLen])
}

// KeyHash is what the store keeps of a private key.
func KeyHash(key string) [32]byte {
	const prefix = "placard personal link\x00"
	var buf [len(prefix) + KeyLen]byte
	return sha256.Sum256(append(append(buf[:0], prefix...), key...))
}

const (
	// linkBatch is how many personal links one AddLinks first makes for a
	// campaign's pool: the fewest signers a link could belong to, for
	// whoever reads the database. A pool that runs dry again within
	// linkBusy makes twice as many next time, up to linkBatchMax, so a busy
	// campaign pays one extra commit per 128 signatures rather than per 16
	// (each batch is a durable transaction of its own, and on SQLite it
	// holds the one writer like the signatures do). Larger batches widen
	// the crowd a link hides in, but links are scattered rows (random
	// tokens, three b-trees), so a batch of 1,024 held SQLite's writer long
	// enough to double signing's p99 (bench/sign.sh: 45 → 100 ms); 128 keeps
	// it where it was.
	linkBatch    = 16
	linkBatchMax = 128
	linkBusy     = time.Minute
)

// LinkStore stores personal links: store.Store's AddLinks, which creates
// links of one campaign with no signatures in a transaction of their own
// and returns those it made.
type LinkStore interface {
	AddLinks(ctx context.Context, org, campaign string, links []signing.Referral) ([]signing.Referral, error)
}

// Link is a personal link already stored, with its private key.
type Link struct {
	Token, Key string
}

// LinkPool holds each campaign's links made ahead of need. The zero value
// is ready to use.
type LinkPool struct {
	mu sync.Mutex
	by map[string]*campaignLinks // by campaign key
}

type campaignLinks struct {
	mu        sync.Mutex // held while refilling: one signer refills, the others wait for it
	links     []Link
	batch     int       // how many the last refill made
	filled    time.Time // when the last refill was started
	refilling bool      // a background refill is under way
}

func (p *LinkPool) of(key string) *campaignLinks {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.by == nil {
		p.by = map[string]*campaignLinks{}
	}
	cl := p.by[key]
	if cl == nil {
		cl = &campaignLinks{}
		p.by[key] = cl
	}
	return cl
}

// Take hands out one of the stored links of campaign org/campaign (whose
// pool is named key), picked at random. A pool that is empty is filled
// first (the signer waits for it); a pool down to half of its last batch
// is refilled in the background, so on a busy campaign signers rarely
// wait. ok is false when no link could be made; err then says why.
func (p *LinkPool) Take(ctx context.Context, st LinkStore, key, org, campaign string) (l Link, ok bool, err error) {
	cl := p.of(key)
	cl.mu.Lock()
	defer cl.mu.Unlock()
	if len(cl.links) == 0 {
		made, err := cl.make(ctx, st, org, campaign, cl.nextBatch())
		if err != nil {
			return Link{}, false, err
		}
		cl.links = append(cl.links, made...)
		if len(cl.links) == 0 {
			return Link{}, false, errors.New("no personal link could be made (every token clashed)")
		}
	}
	i := mrand.IntN(len(cl.links))
	l = cl.links[i]
	last := len(cl.links) - 1
	cl.links[i], cl.links[last] = cl.links[last], Link{}
	cl.links = cl.links[:last]
	if len(cl.links) <= cl.batch/2 && !cl.refilling {
		cl.refilling = true
		n := cl.nextBatch()
		go func() {
			// A failed refill is left to the next signer's wait, which
			// reports it.
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
			made, _ := cl.make(rctx, st, org, campaign, n)
			cancel()
			cl.mu.Lock()
			cl.links = append(cl.links, made...)
			cl.refilling = false
			cl.mu.Unlock()
		}()
	}
	return l, true, nil
}

// nextBatch is the size of the next refill: linkBatch, doubled (up to
// linkBatchMax) each time the pool needs refilling again within linkBusy.
// The caller holds cl.mu.
func (cl *campaignLinks) nextBatch() int {
	now := time.Now()
	if cl.batch == 0 || now.Sub(cl.filled) > linkBusy {
		cl.batch = linkBatch
	} else {
		cl.batch = min(2*cl.batch, linkBatchMax)
	}
	cl.filled = now
	return cl.batch
}

// make stores n new links for the campaign in a transaction of their own
// and returns those the store made (a clashing token is left out).
func (cl *campaignLinks) make(ctx context.Context, st LinkStore, org, campaign string, n int) ([]Link, error) {
	keys := make(map[string]string, n)
	refs := make([]signing.Referral, 0, n)
	for range n {
		token, key, ref := NewLink()
		keys[token] = key
		refs = append(refs, ref)
	}
	made, err := st.AddLinks(ctx, org, campaign, refs)
	if err != nil {
		return nil, err
	}
	out := make([]Link, 0, len(made))
	for _, r := range made {
		out = append(out, Link{Token: r.Token, Key: keys[r.Token]})
	}
	return out, nil
}

// PutBack returns a link whose signer did not get it (the signature was
// not stored) to the pool named key.
func (p *LinkPool) PutBack(key string, l Link) {
	cl := p.of(key)
	cl.mu.Lock()
	cl.links = append(cl.links, l)
	cl.mu.Unlock()
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
// (links.go says why apart from the signatures). The map holds one entry
// per campaign, source and followed link. The zero value is ready to use.
type Credits struct {
	mu      sync.Mutex
	n       map[creditKey]int
	pending int       // signatures counted since the last write
	since   time.Time // when the first of them was counted
}

type creditKey struct{ org, campaign, source, referrer string }

// Add counts one stored signature of org/campaign that came from source
// and followed the personal link referrer (either may be empty).
func (c *Credits) Add(org, campaign, source, referrer string, now time.Time) {
	c.mu.Lock()
	if c.n == nil {
		c.n = map[creditKey]int{}
	}
	c.n[creditKey{org, campaign, source, referrer}]++
	if c.pending == 0 {
		c.since = now
	}
	c.pending++
	c.mu.Unlock()
}

// Take empties the counter and returns what it held, when it holds at
// least creditBatch signatures, its oldest is creditMaxAge old, or all is
// set; otherwise it returns nothing.
func (c *Credits) Take(now time.Time, all bool) []signing.Credit {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pending == 0 || !all && c.pending < creditBatch && now.Sub(c.since) < creditMaxAge {
		return nil
	}
	out := make([]signing.Credit, 0, len(c.n))
	for k, v := range c.n {
		out = append(out, signing.Credit{Org: k.org, Campaign: k.campaign, Source: k.source, Referrer: k.referrer, Count: v})
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
			n += v
		}
	}
	return n
}

// PutBack returns credits a failed write could not store.
func (c *Credits) PutBack(cs []signing.Credit, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = map[creditKey]int{}
	}
	if c.pending == 0 {
		c.since = now
	}
	for _, x := range cs {
		c.n[creditKey{x.Org, x.Campaign, x.Source, x.Referrer}] += x.Count
		c.pending += x.Count
	}
}
