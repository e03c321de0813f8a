package pagecache

import (
	"net/http"
	"sync"
	"sync/atomic"
)

// lazyFill is the making of a response rendered on its first use
// (NewLazy): concurrent first uses wait for one rendering, and a failed
// rendering is not kept, so the next use tries again.
type lazyFill struct {
	made         atomic.Pointer[Response]
	mu           sync.Mutex
	render       func() ([]byte, error)
	contentType  string
	cacheControl []string
	csp          string
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
	if m := l.made.Load(); m != nil {
		return m, nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if m := l.made.Load(); m != nil {
		return m, nil
	}
	body, err := l.render()
	if err != nil {
		return nil, err
	}
	m := New(body, l.contentType, l.cacheControl, l.csp)
	l.made.Store(m)
	l.render = nil // what it held can go
	return m, nil
}

// Rendered reports whether c is ready to serve without rendering.
func (c *Response) Rendered() bool { return c.lazy == nil || c.lazy.made.Load() != nil }

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
