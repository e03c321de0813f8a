package site

import (
	"runtime/debug"
	"sync"
	"time"

	"github.com/placard/placard/internal/pagecache"
)

// A server's snapshot renders at its build only what a request cannot
// wait for (issue 12: start within 1 s per 1,000 campaigns): the routing
// tables, the props, the tallies. Each page and each variant of it
// (language notice, share-message rotation, region, embed, thank-you
// page) is rendered and compressed on its first request, once however
// many ask together, and kept from then on: a warm page is served as an
// eager one was, with the very bytes, ETag, policy and headers the build
// would have made (TestLazyPagesSameBytes). A signing campaign's pages
// are made from its packed record (record.go); a plain page
// (pagecache.NewLazy) holds its props until its first rendering and then
// lets them go. A failed rendering is never kept. A static copy
// (ModeStatic) and tests comparing the two (Options.eager) render every
// page at the build.

// prepareHTML prepares the HTML page render makes, with policy csp and
// no-cache: on its first request when b's pages are lazy, else at once.
func (b *builder) prepareHTML(render func() ([]byte, error), csp string) (*pagecache.Response, error) {
	if b.lazy() {
		return pagecache.NewLazy(func() ([]byte, error) {
			body, err := render()
			if err == nil {
				renderedLazily()
			}
			return body, err
		}, "text/html; charset=utf-8", hvNoCache, csp), nil
	}
	body, err := render()
	if err != nil {
		return nil, err
	}
	return b.snap.reuse.New(body, "text/html; charset=utf-8", hvNoCache, csp), nil
}

// LazyPage is a page rendered and prepared on its first request.
// Concurrent first requests wait for one rendering; a failed rendering is
// not kept, so the next request tries again.
type LazyPage struct {
	page   pagecache.Once[pagecache.Response]
	render func() (*pagecache.Response, error)
}

// newLazyPage is a page that render makes when first asked for.
func newLazyPage(render func() (*pagecache.Response, error)) *LazyPage {
	return &LazyPage{render: render}
}

// Get returns the page, rendering it if no request has yet.
func (lp *LazyPage) Get() (*pagecache.Response, error) {
	p, made, err := lp.page.Get(func() (*pagecache.Response, error) {
		p, err := lp.render()
		if err == nil {
			lp.render = nil // what it held can go
		}
		return p, err
	})
	if made {
		renderedLazily()
	}
	return p, err
}

// Rendered reports whether the page has been made (tests).
func (lp *LazyPage) Rendered() bool { return lp.page.Load() != nil }

// RenderedRotation returns share-message rendering i (0 is Main, as in
// Rotation) when it has been rendered, else nil; it never renders (tests
// count what a request rendered with it, and web's pickRotation asks it
// which of the renderings a revalidation names is made and current). A
// revalidation finds its rendering by the variant its ETag names, never by
// asking each rendering, which would render it.
func (lp *SigningPages) RenderedRotation(i int) *pagecache.Spliced {
	if i <= 0 || i > len(lp.rotations) {
		return lp.Main
	}
	return lp.rotations[i-1].Load()
}

// Rendering on first requests makes garbage (templates' buffers,
// compressors, unpacked props) while the server runs at its ordinary
// GOGC, so a burst of first requests (a crawler, the hour after a start)
// leaves the heap at up to twice what it holds, and the process keeps
// that memory. A while after a page is rendered, the memory not in use
// is given back (a collection, then the pages freed to the system): a
// build does the same at its end (web.Frugally). Pages are mostly bytes
// without pointers, so the collection is cheap, but not free: it marks
// the whole live heap (600 MB at 10,000 campaigns). A signing page's
// variants are rendered again after every change of its tally, which in
// a viral campaign is every poll, so the giving back comes tidyDelay
// after the first rendering after a quiet spell, and then at most once
// per tidyEvery however many pages are rendered meanwhile.

const (
	// tidyDelay is how long after a rendering the memory is given back.
	tidyDelay = 2 * time.Second
	// tidyEvery is the least time between two givings back.
	tidyEvery = 30 * time.Second
)

// tidier schedules the giving back of memory after lazy renderings.
type tidier struct {
	now       func() time.Time
	afterFunc func(time.Duration, func())
	free      func()

	mu    sync.Mutex
	armed bool      // a giving back is scheduled
	last  time.Time // when the last one ran; zero before any
}

// tidy is the process's tidier.
var tidy = &tidier{
	now:       time.Now,
	afterFunc: func(d time.Duration, f func()) { time.AfterFunc(d, f) },
	free:      debug.FreeOSMemory,
}

// rendered schedules a giving back unless one is: tidyDelay from now, or
// tidyEvery after the last one if that is later.
func (t *tidier) rendered() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.armed {
		return
	}
	t.armed = true
	now := t.now()
	at := now.Add(tidyDelay)
	if next := t.last.Add(tidyEvery); !t.last.IsZero() && next.After(at) {
		at = next
	}
	t.afterFunc(at.Sub(now), t.run)
}

// run gives the memory back.
func (t *tidier) run() {
	t.mu.Lock()
	t.armed = false
	t.last = t.now()
	t.mu.Unlock()
	t.free()
}

// renderedLazily schedules the giving back after a page rendered on its
// first request.
func renderedLazily() { tidy.rendered() }
