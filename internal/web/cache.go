package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
)

// cached is one response body ready to serve: the bytes, a gzip copy when
// that is smaller, and every header value pre-built, so serving it costs no
// rendering, no compression and almost no allocation.
type cached struct {
	body []byte
	gz   []byte // nil when compression would not help

	// Header values, each a one-element slice assigned straight into the
	// header map (no canonicalisation, no copying).
	etag, etagGz     []string
	length, lengthGz []string
	contentType      []string
	cacheControl     []string
	csp              []string // nil keeps the default policy the middleware set
}

// Header values shared by every cached response.
var (
	hvVary      = []string{"Accept-Encoding"}
	hvVaryLang  = []string{"Accept-Encoding, Accept-Language"}
	hvGzip      = []string{"gzip"}
	hvNoCache   = []string{"no-cache"}
	hvImmutable = []string{"public, max-age=31536000, immutable"}
	hvHTML      = []string{"text/html; charset=utf-8"}
	hvDayCache  = []string{"public, max-age=86400"}
)

// newCached prepares body for serving. Text types are gzipped once here.
func newCached(body []byte, contentType string, cacheControl []string, csp string) *cached {
	sum := sha256.Sum256(body)
	tag := hex.EncodeToString(sum[:12])
	c := &cached{
		body:         body,
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
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		_, _ = zw.Write(body)
		_ = zw.Close()
		if buf.Len() < len(body) {
			c.gz = buf.Bytes()
			// A different encoding is a different representation, so it has
			// its own strong validator.
			c.etagGz = []string{`"` + tag + `-gz"`}
			c.lengthGz = []string{strconv.Itoa(len(c.gz))}
		}
	}
	return c
}

func compressible(ct string) bool {
	return strings.HasPrefix(ct, "text/") || strings.Contains(ct, "javascript") ||
		strings.Contains(ct, "json") || strings.Contains(ct, "svg") || strings.Contains(ct, "xml")
}

// serve writes c for r with status 200, or 304 when the client's
// If-None-Match names it. HEAD gets the headers only.
func (c *cached) serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	body, etag, length := c.body, c.etag, c.length
	useGz := c.gz != nil && acceptsGzip(r.Header["Accept-Encoding"])
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
	if inm := r.Header["If-None-Match"]; len(inm) > 0 && c.matches(inm) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h["Content-Type"] = c.contentType
	h["Content-Length"] = length
	if useGz {
		h["Content-Encoding"] = hvGzip
	}
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// matches reports whether an If-None-Match header names either of c's
// representations (or is "*"). Comparison is weak, as RFC 9110 requires for
// If-None-Match, so W/"x" matches "x".
func (c *cached) matches(values []string) bool {
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

// acceptsGzip reads Accept-Encoding without allocating: gzip (or *) listed
// with a q-value that is not zero.
func acceptsGzip(values []string) bool {
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
