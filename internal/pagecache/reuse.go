package pagecache

import (
	"crypto/sha256"
	"slices"
	"strconv"
	"sync"
)

// Reuse prepares responses for one build of a site, handing back the one
// already prepared for the same content and headers, in this build or the
// build before. A reload that leaves most pages as they were then costs
// their rendering only: no compression, and the old and new snapshots
// share those pages' bytes instead of holding two copies.
//
// A nil *Reuse prepares every response anew.
type Reuse struct {
	mu   sync.Mutex
	made map[[sha256.Size]byte]any // *Response or *Spliced
	prev map[[sha256.Size]byte]any // made of the build before, until Done
}

// NewReuse starts a build that may reuse what prev (nil: nothing) prepared.
func NewReuse(prev *Reuse) *Reuse {
	r := &Reuse{made: map[[sha256.Size]byte]any{}}
	if prev != nil {
		prev.mu.Lock()
		r.prev = prev.made
		prev.mu.Unlock()
	}
	return r
}

// Done ends the build: the build before is no longer reused (nor kept
// alive by this one).
func (r *Reuse) Done() {
	if r == nil {
		return
	}
	r.mu.Lock()
	r.prev = nil
	r.mu.Unlock()
}

// key names body with the parameters of its response.
func key(kind byte, body []byte, params ...string) [sha256.Size]byte {
	h := sha256.New()
	h.Write([]byte{kind})
	for _, p := range params {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	h.Write(body)
	var k [sha256.Size]byte
	h.Sum(k[:0])
	return k
}

// find returns what was prepared under k, in this build or the one before.
func (r *Reuse) find(k [sha256.Size]byte) any {
	r.mu.Lock()
	defer r.mu.Unlock()
	if v, ok := r.made[k]; ok {
		return v
	}
	if v, ok := r.prev[k]; ok {
		r.made[k] = v
		return v
	}
	return nil
}

// keep records v under k.
func (r *Reuse) keep(k [sha256.Size]byte, v any) {
	r.mu.Lock()
	r.made[k] = v
	r.mu.Unlock()
}

// New is New, reusing a response prepared for the same arguments.
func (r *Reuse) New(body []byte, contentType string, cacheControl []string, csp string) *Response {
	if r == nil {
		return New(body, contentType, cacheControl, csp)
	}
	cc := ""
	if len(cacheControl) > 0 {
		cc = cacheControl[0]
	}
	k := key('r', body, contentType, cc, csp)
	if v, ok := r.find(k).(*Response); ok {
		return v
	}
	c := New(body, contentType, cacheControl, csp)
	r.keep(k, c)
	return c
}

// NewInto is New into out, a response not yet shared: the same work, so
// that a build can hand out out's address before the body is rendered
// (site renders pages in parallel once they are laid out). A response
// prepared before for the same arguments is copied into out, sharing its
// bytes and header values.
func (r *Reuse) NewInto(out *Response, body []byte, contentType string, cacheControl []string, csp string) {
	if r == nil {
		out.fill(body, contentType, cacheControl, csp)
		return
	}
	cc := ""
	if len(cacheControl) > 0 {
		cc = cacheControl[0]
	}
	k := key('r', body, contentType, cc, csp)
	if out.variant != 0 { // another rendering's tags differ
		k = key('r', body, contentType, cc, csp, strconv.Itoa(out.variant))
	}
	if v, ok := r.find(k).(*Response); ok {
		*out = *v
		return
	}
	out.fill(body, contentType, cacheControl, csp)
	r.keep(k, out)
}

// NewSpliced is NewSpliced, reusing a page prepared for the same
// arguments.
func (r *Reuse) NewSpliced(body []byte, slots Slots, path, csp string) *Spliced {
	return r.NewSplicedVariant(body, slots, path, csp, -1)
}

// NewSplicedVariant is NewSplicedVariant, reusing a page prepared for the
// same arguments.
func (r *Reuse) NewSplicedVariant(body []byte, slots Slots, path, csp string, v int) *Spliced {
	if r == nil {
		return NewSplicedVariant(body, slots, path, csp, v)
	}
	k := key('s', body, slots.Token, slots.Attribution, string(slots.BlankAttribution), path, csp)
	if v >= 0 { // another rendering's tags differ
		k = key('s', body, slots.Token, slots.Attribution, string(slots.BlankAttribution), path, csp, strconv.Itoa(v))
	}
	if got, ok := r.find(k).(*Spliced); ok {
		return got
	}
	p := NewSplicedVariant(body, slots, path, csp, v)
	r.keep(k, p)
	return p
}

// Shares reports whether c and o hold the same stored bytes (one copy in
// memory, as Reuse hands out) and the same header values.
func (c *Response) Shares(o *Response) bool {
	if c == o {
		return true
	}
	if c != nil && o != nil {
		c, o = c.must(), o.must()
	}
	if c == nil || o == nil || len(c.body) != len(o.body) || len(c.gz) != len(o.gz) {
		return false
	}
	same := func(a, b []byte) bool { return len(a) == 0 || &a[0] == &b[0] }
	return same(c.body, o.body) && same(c.gz, o.gz) && slices.Equal(c.etag, o.etag) &&
		slices.Equal(c.cacheControl, o.cacheControl) && slices.Equal(c.csp, o.csp) && slices.Equal(c.contentType, o.contentType)
}
