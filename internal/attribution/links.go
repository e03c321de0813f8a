package attribution

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

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"errors"
	mrand "math/rand/v2"
	"sync"
	"time"

	"github.com/placard/placard/internal/signing"
)

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
	key = b32.EncodeToString(raw[:])
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
	sum := sha256.Sum256([]byte("placard personal link token\x00" + key))
	return b32.EncodeToString(sum[:8])[:TokenLen]
}

// KeyHash is what the store keeps of a private key.
func KeyHash(key string) [32]byte { return sha256.Sum256([]byte("placard personal link\x00" + key)) }

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
