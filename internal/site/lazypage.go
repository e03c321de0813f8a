package site

import (
	"sync"
	"sync/atomic"

	"github.com/placard/placard/internal/pagecache"
)

// A snapshot renders at its build only what a request cannot wait for
// (issue 12: start within 1 s per 1,000 campaigns). The pages themselves
// are rendered on their first request from what the snapshot keeps
// (a signing campaign's packed props, record.go; its thank-you props),
// and kept from then on: a warm page is served as an eager one was, and
// its bytes, ETag and headers are the ones the build would have made.

// LazyPage is a page rendered and prepared on its first request.
// Concurrent first requests wait for one rendering; a failed rendering is
// not kept, so the next request tries again.
type LazyPage struct {
	page   atomic.Pointer[pagecache.Response]
	mu     sync.Mutex
	render func() (*pagecache.Response, error)
}

// newLazyPage is a page that render makes when first asked for.
func newLazyPage(render func() (*pagecache.Response, error)) *LazyPage {
	return &LazyPage{render: render}
}

// readyPage is a page already made.
func readyPage(p *pagecache.Response) *LazyPage {
	lp := &LazyPage{}
	lp.page.Store(p)
	return lp
}

// Get returns the page, rendering it if no request has yet.
func (lp *LazyPage) Get() (*pagecache.Response, error) {
	if p := lp.page.Load(); p != nil {
		return p, nil
	}
	lp.mu.Lock()
	defer lp.mu.Unlock()
	if p := lp.page.Load(); p != nil {
		return p, nil
	}
	p, err := lp.render()
	if err != nil {
		return nil, err
	}
	lp.page.Store(p)
	lp.render = nil // what it held can go
	return p, nil
}

// Rendered reports whether the page has been made (tests).
func (lp *LazyPage) Rendered() bool { return lp.page.Load() != nil }
