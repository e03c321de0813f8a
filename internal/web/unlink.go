package web

// Keeping signers apart from their links in the database. A transaction
// that stored a signature and also created the signer's personal link, or
// credited the link they followed, would tie them together for anyone who
// reads the database's own bookkeeping: PostgreSQL stamps every row with
// the id of the transaction that wrote it (xmin) and appends rows in the
// order they come (ctid); SQLite's write-ahead log keeps a transaction's
// pages together. So the signature's transaction writes neither:
//
//   - personal links are made ahead of need, a batch at a time in a
//     transaction of their own (Store.AddLinks, in token order), and each
//     signer is handed one picked at random from the campaign's pool;
//   - what a signature brought (its source, the link it followed) is
//     counted in memory once the signature is stored, and written by the
//     poller in batches of at least creditBatch signatures, summed per row
//     and in key order (Store.AddCredits).
//
// The price: a crash loses the counts not yet written (never a signature),
// at most creditBatch signatures' worth or creditMaxAge of a quiet site;
// a clean stop writes them. And links that were made but never handed out
// when an instance stops stay in the table with no signatures, shown to
// nobody (no one holds their key).

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

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
	// creditBatch is how many stored signatures' credits the poller waits
	// for before writing them: the signatures one credit could come from.
	creditBatch = 10
	// creditMaxAge is how long a quiet site holds credits before writing
	// fewer than creditBatch, so counts still arrive.
	creditMaxAge = 10 * time.Minute
)

// pooledLink is a personal link already stored, with its private key.
type pooledLink struct {
	token, key string
}

// linkPool holds each campaign's links made ahead of need.
type linkPool struct {
	mu sync.Mutex
	by map[string]*campaignLinks // by campaign key
}

type campaignLinks struct {
	mu        sync.Mutex // held while refilling: one signer refills, the others wait for it
	links     []pooledLink
	batch     int       // how many the last refill made
	filled    time.Time // when the last refill was started
	refilling bool      // a background refill is under way
}

func (p *linkPool) of(key string) *campaignLinks {
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

// take hands out one of the campaign's stored links, picked at random. A
// pool that is empty is filled first (the signer waits for it); a pool
// down to a quarter of its last batch is refilled in the background, so
// on a busy campaign signers rarely wait. ok is false when no link could
// be made; err then says why.
func (p *linkPool) take(ctx context.Context, st store.Store, key, org, campaign string) (l pooledLink, ok bool, err error) {
	cl := p.of(key)
	cl.mu.Lock()
	defer cl.mu.Unlock()
	if len(cl.links) == 0 {
		made, err := cl.make(ctx, st, org, campaign, cl.nextBatch())
		if err != nil {
			return pooledLink{}, false, err
		}
		cl.links = append(cl.links, made...)
		if len(cl.links) == 0 {
			return pooledLink{}, false, errors.New("no personal link could be made (every token clashed)")
		}
	}
	i := rand.IntN(len(cl.links))
	l = cl.links[i]
	last := len(cl.links) - 1
	cl.links[i], cl.links[last] = cl.links[last], pooledLink{}
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
func (cl *campaignLinks) make(ctx context.Context, st store.Store, org, campaign string, n int) ([]pooledLink, error) {
	keys := make(map[string]string, n)
	refs := make([]signing.Referral, 0, n)
	for range n {
		token, key, ref := newReferral()
		keys[token] = key
		refs = append(refs, ref)
	}
	made, err := st.AddLinks(ctx, org, campaign, refs)
	if err != nil {
		return nil, err
	}
	out := make([]pooledLink, 0, len(made))
	for _, r := range made {
		out = append(out, pooledLink{token: r.Token, key: keys[r.Token]})
	}
	return out, nil
}

// putBack returns a link whose signer did not get it (already signed, or
// the signature was not stored).
func (p *linkPool) putBack(key string, l pooledLink) {
	cl := p.of(key)
	cl.mu.Lock()
	cl.links = append(cl.links, l)
	cl.mu.Unlock()
}

// credits counts what stored signatures brought until the poller writes
// it. The map holds one entry per campaign, source and followed link.
type credits struct {
	mu      sync.Mutex
	n       map[creditKey]int
	pending int       // signatures counted since the last write
	since   time.Time // when the first of them was counted
}

type creditKey struct{ org, campaign, source, referrer string }

func (c *credits) add(org, campaign, source, referrer string, now time.Time) {
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

// take empties the counter and returns what it held, when it holds at
// least creditBatch signatures, its oldest is creditMaxAge old, or all is
// set; otherwise it returns nothing.
func (c *credits) take(now time.Time, all bool) []signing.Credit {
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

// pendingFor is how many signatures counted but not yet written followed
// the link token of org/campaign, so its owner's private page is current.
func (c *credits) pendingFor(org, campaign, token string) int {
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

// putBack returns credits a failed write could not store.
func (c *credits) putBack(cs []signing.Credit, now time.Time) {
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

// flushCredits writes the credits counted so far when enough have gathered
// (see credits.take), or all of them when all is set (a stopping server).
// On failure they are kept for the next try.
func (s *Server) flushCredits(ctx context.Context, all bool) error {
	if s.cfg.Store == nil {
		return nil
	}
	now := s.cfg.Now()
	cs := s.credits.take(now, all)
	if len(cs) == 0 {
		return nil
	}
	if err := s.cfg.Store.AddCredits(ctx, cs); err != nil {
		s.credits.putBack(cs, now)
		return err
	}
	return nil
}
