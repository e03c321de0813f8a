package pagecache

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"strconv"
	"sync"
)

// Pages rendered per request (thank-you pages with a personal link, a
// link's private page, the Mastodon confirmation, a form sent back with
// its mistakes, error pages) are gzipped as they are sent, at the fastest
// level: most are a few kilobytes of HTML that shrink to a third.
//
// Compression and secrets: a response that holds a secret and also echoes
// text an attacker chose lets the attacker guess the secret from the
// compressed length (BREACH). The pages here hold a secret (the personal
// link, the private page's key) only where they echo nothing from the
// request, and echo request text (an address, a share message, a form's
// values) only where they hold no secret (a form token is none: anyone
// gets one by loading the page). Keep it so.

// minGzipBody is the size below which a body is sent as it is: gzip's
// framing would eat what it saves.
const minGzipBody = 256

var (
	hvVaryAcceptEncoding = []string{"Accept-Encoding"}
	hvContentGzip        = []string{"gzip"}
)

var gzipWriters = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	return zw
}}

// WriteBody writes body with status, gzipped when the client accepts it
// and it is large enough to gain, with Content-Length and Vary set.
func WriteBody(w http.ResponseWriter, r *http.Request, status int, body []byte) {
	h := w.Header()
	if len(body) > minGzipBody {
		if h["Vary"] == nil {
			h["Vary"] = hvVaryAcceptEncoding
		}
		if AcceptsGzip(r.Header["Accept-Encoding"]) {
			var buf bytes.Buffer
			buf.Grow(len(body) / 3)
			zw := gzipWriters.Get().(*gzip.Writer)
			zw.Reset(&buf)
			_, _ = zw.Write(body)
			_ = zw.Close()
			gzipWriters.Put(zw)
			if buf.Len() < len(body) {
				body = buf.Bytes()
				h["Content-Encoding"] = hvContentGzip
			}
		}
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}
