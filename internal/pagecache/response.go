// Package pagecache holds responses prepared ahead of any request: the
// bytes, a gzip copy and every header value, so serving one costs a map
// lookup and a write. Response is a fixed body (pages, static files,
// cards); Spliced is a page with slots that take a value per response (a
// fresh form token, a visitor's attribution), spliced into precompressed
// pieces with the gzip CRC continued over them (spliced.go).
package pagecache

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// Response is one response body ready to serve: the bytes, or only their
// gzip copy when that is smaller, and every header value pre-built, so
// serving it costs no rendering, no compression and almost no allocation.
// Only the gzip copy of a compressible body is kept (the plain bytes are
// most of what a site's pages weigh in memory): a client that takes gzip,
// nearly every one, is sent it as stored; the rare one that does not gets
// it inflated while it is written. It is never changed once made, except by
// WithCacheControl before it is shared.
type Response struct {
	body []byte // nil when gz holds the body
	gz   []byte // nil when compression would not help

	// Header values, each a one-element slice assigned straight into the
	// header map (no canonicalisation, no copying).
	etag, etagGz     []string
	length, lengthGz []string
	contentType      []string
	cacheControl     []string
	csp              []string // nil keeps the default policy the middleware set

	// variant is 1 + the rendering its ETags name (SetVariant), 0 for
	// none.
	variant int

	// lazy, when not nil, makes the response on its first use (lazy.go);
	// the fields above are then unused.
	lazy *lazyFill
}

// Header values shared by every prepared response.
var (
	hvVary    = []string{"Accept-Encoding"}
	hvGzip    = []string{"gzip"}
	hvNoCache = []string{"no-cache"}
	hvHTML    = []string{"text/html; charset=utf-8"}
)

// New prepares body for serving with the given Content-Type, Cache-Control
// value (a one-element slice, shared) and Content-Security-Policy (empty
// keeps whatever policy the middleware set). Text types are gzipped once
// here.
func New(body []byte, contentType string, cacheControl []string, csp string) *Response {
	c := new(Response)
	c.fill(body, contentType, cacheControl, csp)
	return c
}

// fill makes c the response New makes.
func (c *Response) fill(body []byte, contentType string, cacheControl []string, csp string) {
	sum := sha256.Sum256(body)
	tag := variantTag(hex.EncodeToString(sum[:hashLen/2]), c.variant-1)
	*c = Response{
		variant:      c.variant,
		etag:         []string{`"` + tag + `"`},
		length:       []string{strconv.Itoa(len(body))},
		contentType:  []string{contentType},
		cacheControl: cacheControl,
	}
	if csp != "" {
		c.csp = []string{csp}
	}
	if compressible(contentType) && len(body) > 256 {
		var buf bytes.Buffer
		zw, _ := gzippers.Get().(*gzip.Writer)
		if zw == nil {
			zw, _ = gzip.NewWriterLevel(&buf, gzip.BestCompression)
		} else {
			zw.Reset(&buf)
		}
		_, _ = zw.Write(body)
		_ = zw.Close()
		gzippers.Put(zw)
		if buf.Len() < len(body) {
			// Exactly sized: a buffer's spare capacity would stay with the
			// response as long as the snapshot lives.
			c.gz = bytes.Clone(buf.Bytes())
			// A different encoding is a different representation, so it has
			// its own strong validator.
			c.etagGz = []string{`"` + tag + `-gz"`}
			c.lengthGz = []string{strconv.Itoa(len(c.gz))}
		}
	}
	if c.gz == nil {
		c.body = body
		if cap(body) > len(body) {
			c.body = bytes.Clone(body)
		}
	}
}

// gzippers are gzip writers at the best compression, reused: a new one
// allocates about a megabyte, and a site's build makes thousands.
var gzippers sync.Pool

// gzReaders are readers inflating gzip copies for clients without gzip.
var gzReaders sync.Pool

// inflate writes the plain body, inflated from the gzip copy, to w.
func (c *Response) inflate(w io.Writer) {
	src := bytes.NewReader(c.gz)
	zr, _ := gzReaders.Get().(*gzip.Reader)
	if zr == nil {
		var err error
		if zr, err = gzip.NewReader(src); err != nil {
			return // cannot happen: New wrote it
		}
	} else if err := zr.Reset(src); err != nil {
		return
	}
	_, _ = io.Copy(w, zr)
	gzReaders.Put(zr)
}

func compressible(ct string) bool {
	return strings.HasPrefix(ct, "text/") || strings.Contains(ct, "javascript") ||
		strings.Contains(ct, "json") || strings.Contains(ct, "svg") || strings.Contains(ct, "xml")
}

// Body is the plain (uncompressed) body, inflated when only the gzip copy
// is kept.
func (c *Response) Body() []byte {
	c = c.must()
	if c.gz == nil {
		return c.body
	}
	var buf bytes.Buffer
	c.inflate(&buf)
	return buf.Bytes()
}

// Stored returns the body when the response keeps it as it is (not
// gzipped), and nil otherwise: the bytes it serves, which callers must
// not change.
func (c *Response) Stored() []byte {
	c = c.must()
	if c.gz != nil {
		return nil
	}
	return c.body
}

// Header returns the response's headers as they would be sent to a client
// not asking for gzip: Content-Type, Cache-Control and, when set,
// Content-Security-Policy.
func (c *Response) Header() map[string][]string {
	c = c.must()
	h := map[string][]string{"Content-Type": c.contentType, "Cache-Control": c.cacheControl}
	if c.csp != nil {
		h["Content-Security-Policy"] = c.csp
	}
	return h
}

// CSP is the response's own Content-Security-Policy, or "" when it keeps
// the middleware's.
func (c *Response) CSP() string {
	if c.lazy != nil {
		return c.lazy.csp
	}
	if c.csp == nil {
		return ""
	}
	return c.csp[0]
}

// WithCacheControl returns a copy of c with another Cache-Control value.
func (c *Response) WithCacheControl(cacheControl []string) *Response {
	if l := c.lazy; l != nil {
		var out *Response
		l.made.Locked(func(m *Response) {
			if m != nil {
				out = m.WithCacheControl(cacheControl)
				return
			}
			out = NewLazy(l.render, l.contentType, cacheControl, l.csp)
		})
		return out
	}
	cc := *c
	cc.cacheControl = cacheControl
	return &cc
}

// Serve writes c for r with status 200, or 304 when the client's
// If-None-Match names it. HEAD gets the headers only.
func (c *Response) Serve(w http.ResponseWriter, r *http.Request) {
	if c.lazy != nil {
		var err error
		if c, err = c.Ready(); err != nil {
			serveFailed(w)
			return
		}
	}
	h := w.Header()
	body, etag, length := c.body, c.etag, c.length
	useGz := c.gz != nil && AcceptsGzip(r.Header["Accept-Encoding"])
	if useGz {
		body, etag, length = c.gz, c.etagGz, c.lengthGz
	}
	if c.gz != nil && h["Vary"] == nil {
		h["Vary"] = hvVary
	}
	h["Etag"] = etag
	h["Cache-Control"] = c.cacheControl
	if c.csp != nil {
		h["Content-Security-Policy"] = c.csp
	}
	if inm := r.Header["If-None-Match"]; len(inm) > 0 && c.Matches(inm) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h["Content-Type"] = c.contentType
	h["Content-Length"] = length
	if useGz {
		h["Content-Encoding"] = hvGzip
	}
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return
	}
	if !useGz && c.gz != nil {
		c.inflate(w)
		return
	}
	_, _ = w.Write(body)
}

// Matches reports whether an If-None-Match header names either of c's
// representations (or is "*"). Comparison is weak, as RFC 9110 requires for
// If-None-Match, so W/"x" matches "x".
func (c *Response) Matches(values []string) bool {
	c = c.must()
	for _, v := range values {
		for v != "" {
			var tag string
			tag, v, _ = strings.Cut(v, ",")
			tag = strings.TrimSpace(tag)
			tag = strings.TrimPrefix(tag, "W/")
			if tag == "*" || tag == c.etag[0] || (c.etagGz != nil && tag == c.etagGz[0]) {
				return true
			}
		}
	}
	return false
}

// AcceptsGzip reads Accept-Encoding without allocating: gzip (or *) listed
// with a q-value that is not zero.
func AcceptsGzip(values []string) bool {
	for _, v := range values {
		for v != "" {
			var part string
			part, v, _ = strings.Cut(v, ",")
			name, params, _ := strings.Cut(part, ";")
			name = strings.TrimSpace(name)
			if !strings.EqualFold(name, "gzip") && name != "*" {
				continue
			}
			if q, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
				if f, err := strconv.ParseFloat(strings.TrimSpace(q), 64); err == nil && f == 0 {
					if name == "*" {
						continue
					}
					return false
				}
			}
			return true
		}
	}
	return false
}
