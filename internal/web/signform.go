package web

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// A signing POST's form is read here rather than by Request.ParseForm,
// which parses into a map of its own, copies it into a second (r.Form,
// with the query string's values) and grows the body's buffer from
// 512 bytes: about twenty allocations for a form of a dozen fields, paid
// by every signature. readSignForm accepts and refuses exactly what
// ParseForm did for a signing POST (TestSignFormAsParseForm), in three to
// four allocations.

// formURLEncoded is the one media type a signing POST may have.
const formURLEncoded = "application/x-www-form-urlencoded"

// isURLEncodedForm reports whether a Content-Type header names
// formURLEncoded, as mime.ParseMediaType reads it; the usual spelling is
// recognised without parsing (which builds a map of parameters).
func isURLEncodedForm(contentType string) bool {
	if strings.EqualFold(contentType, formURLEncoded) {
		return true
	}
	ct, _, _ := mime.ParseMediaType(contentType)
	return ct == formURLEncoded
}

// signBodies lends the buffers signing POSTs' bodies are read into. Each
// is cleared before it goes back, so no signer's details stay in memory.
var signBodies = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}

// maxFormParams is net/url's own limit on a query's parameters
// (GODEBUG urlmaxqueryparams, default 10000), which ParseForm applied.
const maxFormParams = 10000

var (
	errFormSemicolon = errors.New("invalid semicolon separator in query")
	errFormParams    = errors.New("number of URL query parameters exceeded limit")
	errFormNoBody    = errors.New("missing form body")
)

// readSignForm reads r's body, which the caller has checked is
// formURLEncoded and limited (http.MaxBytesReader), and parses it as
// ParseForm does: the same error (the MaxBytesReader's, the connection's,
// or a malformed escape or separator) for the same input, including a
// malformed query string, which ParseForm parsed too. Values are
// substrings of one copy of the body wherever they need no unescaping.
func readSignForm(r *http.Request) (url.Values, error) {
	if r.Body == nil {
		return nil, errFormNoBody
	}
	bp := signBodies.Get().(*[]byte)
	b := (*bp)[:0]
	var err error
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		var n int
		n, err = r.Body.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err != nil {
			break
		}
	}
	body := string(b)
	clear(b)
	*bp = b[:0]
	signBodies.Put(bp)
	if err != io.EOF {
		return nil, err
	}
	form, err := parseSignForm(body)
	if r.URL.RawQuery != "" && err == nil {
		err = checkQuery(r.URL.RawQuery)
	}
	return form, err
}

// checkQuery is the error url.ParseQuery gives for a query string, without
// the map it builds: a query with no ';', no '%' and at most
// maxFormParams parameters (every signing form's address, …/sign?lang=en)
// is one it parses without error, so only another is parsed.
func checkQuery(q string) error {
	if !strings.ContainsAny(q, ";%") && strings.Count(q, "&") < maxFormParams {
		return nil
	}
	_, err := url.ParseQuery(q)
	return err
}

// parseSignForm is url.ParseQuery for a body already copied into a
// string: the same values and errors, with the values' slices cut from
// one array.
func parseSignForm(body string) (url.Values, error) {
	n := strings.Count(body, "&") + 1
	if n > maxFormParams {
		return nil, errFormParams
	}
	m := make(url.Values, min(n, 16))
	vals := make([]string, 0, min(n, 16))
	var err error
	for body != "" {
		var kv string
		kv, body, _ = strings.Cut(body, "&")
		if strings.Contains(kv, ";") {
			err = errFormSemicolon
			continue
		}
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		k, err1 := url.QueryUnescape(k)
		if err1 != nil {
			if err == nil {
				err = err1
			}
			continue
		}
		v, err1 = url.QueryUnescape(v)
		if err1 != nil {
			if err == nil {
				err = err1
			}
			continue
		}
		if old, ok := m[k]; ok {
			m[k] = append(old, v)
		} else if len(vals) < cap(vals) {
			vals = append(vals, v)
			m[k] = vals[len(vals)-1 : len(vals) : len(vals)]
		} else {
			m[k] = []string{v}
		}
	}
	return m, err
}
