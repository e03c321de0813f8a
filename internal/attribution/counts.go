package attribution

import (
	"sync"
	"time"

	"github.com/placard/placard/internal/signing"
)

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
