package pagecache

import (
	"net/http"
	"sync"
	"sync/atomic"
)

// Once holds a value made on its first use: concurrent first uses wait
// for one making, and a failed making is not kept, so the next use tries
// again. The zero Once is empty. Lazy pages of every kind use it.
type Once[T any] struct {
	v  atomic.Pointer[T]
	mu sync.Mutex
}

// Load returns the value, or nil before it is made.
func (o *Once[T]) Load() *T { return o.v.Load() }

// Store sets the value, as a page made ahead of its first use.
func (o *Once[T]) Store(v *T) { o.v.Store(v) }

// Locked calls f with the value (nil before it is made) while no making
// runs, for a reader of what a making changes.
func (o *Once[T]) Locked(f func(v *T)) {
	o.mu.Lock()
	defer o.mu.Unlock()
	f(o.v.Load())
}

// Get returns the value, made by build when no use has made it yet; made
// reports whether this call made it.
func (o *Once[T]) Get(build func() (*T, error)) (v *T, made bool, err error) {
	if v := o.v.Load(); v != nil {
		return v, false, nil
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if v := o.v.Load(); v != nil {
		return v, false, nil
	}
	if v, err = build(); err != nil {
		return nil, false, err
	}
	o.v.Store(v)
	return v, true, nil
}

// lazyFill is the making of a response rendered on its first use
// (NewLazy).
type lazyFill struct {
	made         Once[Response]
	render       func() ([]byte, error)
	contentType  string
	cacheControl []string
	csp          string
	variant      int // as Response.variant
}

// NewLazy is a response whose body render makes on its first use (Serve or
// any other method), prepared then exactly as New prepares it: the same
// bytes, gzip copy, ETag and headers. A site renders most pages this way,
// on their first request instead of at every start.
func NewLazy(render func() ([]byte, error), contentType string, cacheControl []string, csp string) *Response {
	return &Response{lazy: &lazyFill{render: render, contentType: contentType, cacheControl: cacheControl, csp: csp}}
}

// Ready returns the response ready to serve, rendering it first when it is
// lazy and not yet rendered.
func (c *Response) Ready() (*Response, error) {
	if c.lazy == nil {
		return c, nil
	}
	l := c.lazy
	m, _, err := l.made.Get(func() (*Response, error) {
		body, err := l.render()
		if err != nil {
			return nil, err
		}
		l.render = nil // what it held can go
		m := &Response{variant: l.variant}
		m.fill(body, l.contentType, l.cacheControl, l.csp)
		return m, nil
	})
	return m, err
}

// Rendered reports whether c is ready to serve without rendering.
func (c *Response) Rendered() bool { return c.lazy == nil || c.lazy.made.Load() != nil }

// Peek returns c ready to serve when it is, else nil: unlike Ready and
// every other method, it never renders. A question a client asks about
// a page must not make the server render it (a revalidation names the
// one rendering it holds: VariantIn).
func (c *Response) Peek() *Response {
	if c.lazy == nil {
		return c
	}
	return c.lazy.made.Load()
}

// must is c ready, for the methods that cannot return an error; a lazy
// response that fails to render is served as an empty one.
func (c *Response) must() *Response {
	if m, err := c.Ready(); err == nil {
		return m
	}
	return &Response{etag: []string{`""`}, length: []string{"0"}, contentType: []string{"text/plain; charset=utf-8"}, cacheControl: hvNoStore}
}

var hvNoStore = []string{"no-store"}

// serveFailed answers a request for a lazy response whose rendering
// failed: a 500 that no cache keeps.
func serveFailed(w http.ResponseWriter) {
	h := w.Header()
	h["Cache-Control"] = hvNoStore
	http.Error(w, "The page could not be shown. Please try again in a moment.", http.StatusInternalServerError)
}
