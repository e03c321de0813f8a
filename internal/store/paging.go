package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/placard/placard/internal/signing"
)

// MaxPage is the most rows one SignaturePage returns, whatever it is
// asked for: a page is bounded however large the campaign grows.
const MaxPage = 500

// PageQuery names one page of an organisation's signatures in id order.
// Pages are keyed by id (keyset paging), never by position: a signature
// decided, erased or added while an organiser reads the queue moves no
// other row from one page to another, and each page costs an index range
// of Limit rows, however far into the list it is.
type PageQuery struct {
	Org string
	// Campaigns are the campaigns read (at least one). A signature of
	// any other campaign is not on any page.
	Campaigns []string
	// Status keeps only signatures with it; "" keeps every status.
	Status signing.Status
	// After asks for the first Limit signatures with ids above it (0: from
	// the oldest).
	After int64
	// Before, when above 0, asks instead for the page just before it: the
	// last Limit signatures with ids below Before. After is then ignored.
	Before int64
	// Limit is how many signatures the page holds at most; 1 to MaxPage.
	Limit int
}

// SignaturePage is one page of signatures, oldest first.
type SignaturePage struct {
	Signatures []signing.Signature
	// Older says that some signature the query names has an id below the
	// page's first (below After or Before when the page is empty); Newer
	// that some has an id above its last (at or above Before, or above
	// After, when empty). Both are as the page was read.
	Older, Newer bool
}

// Paging reads signatures a page at a time. Both engines implement it
// beside Store; the console's moderation queue and its downloads read
// through it, so no request holds a campaign's signatures in memory or
// keeps a read open while a slow client downloads (SQLite could not empty
// its write-ahead log after an erasure meanwhile).
// storetest.RunPaging is its behavioural suite.
type Paging interface {
	// SignaturePage returns the page q names. It returns an error for a
	// query without campaigns, with a Limit outside 1..MaxPage or with a
	// Status that is not one of signing's.
	SignaturePage(ctx context.Context, q PageQuery) (SignaturePage, error)
}

// Check returns the error SignaturePage gives for a query it refuses, for
// the engines. A Status that passes is one of signing's four, safe to
// write into SQL as it is (a partial index is chosen only when the query's
// own text names the status it covers).
func (q PageQuery) Check() error {
	switch {
	case len(q.Campaigns) == 0:
		return errors.New("a page of signatures needs at least one campaign")
	case q.Limit < 1 || q.Limit > MaxPage:
		return fmt.Errorf("a page of signatures holds 1 to %d, not %d", MaxPage, q.Limit)
	case q.After < 0 || q.Before < 0:
		return errors.New("a page of signatures starts after or before an id, not a negative number")
	}
	switch q.Status {
	case "", signing.StatusApproved, signing.StatusPending, signing.StatusRejected, signing.StatusUnconfirmed:
		return nil
	}
	return fmt.Errorf("no signature has status %q", q.Status)
}

// Each calls fn for every signature q names, oldest first, a page of
// q.Limit (MaxPage when 0) at a time from q.After on, and stops at fn's
// first error, which it returns. Unlike Store.Signatures it holds no read
// open while fn works, so a download written to a slow client neither
// keeps SQLite from emptying its write-ahead log after an erasure nor
// holds one of the few read connections; and it is no snapshot: a
// signature erased before its page is read is not handed over, and one
// added meanwhile is.
func Each(ctx context.Context, p Paging, q PageQuery, fn func(*signing.Signature) error) error {
	if q.Limit == 0 {
		q.Limit = MaxPage
	}
	q.Before = 0
	for {
		page, err := p.SignaturePage(ctx, q)
		if err != nil {
			return err
		}
		for i := range page.Signatures {
			if err := fn(&page.Signatures[i]); err != nil {
				return err
			}
		}
		if !page.Newer || len(page.Signatures) == 0 {
			return nil
		}
		q.After = page.Signatures[len(page.Signatures)-1].ID
	}
}
