package web

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/placard/placard/internal/attribution"
	"github.com/placard/placard/internal/site"
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

// signField is a field of a signing form the handler reads.
type signField uint8

// The fields a signing form may send that the handler reads; any other is
// read only to check it is well formed.
const (
	sfAction signField = iota
	sfLang
	sfToken
	sfHoneypot
	sfConsent
	sfContact
	sfPublic
	sfVia
	sfName
	sfGivenName
	sfFamilyName
	sfEmail
	sfPostcode
	sfCountry
	sfPhone
	sfComment
	sfOrganisation
	sfRole
	nSignFields
)

// signFields names each signField as the form does.
var signFields = map[string]signField{
	site.FieldAction: sfAction, site.FieldLang: sfLang, site.FieldToken: sfToken,
	site.FieldHoneypot: sfHoneypot, site.FieldConsent: sfConsent, site.FieldContact: sfContact,
	site.FieldPublic: sfPublic, attribution.FormField: sfVia,
	"name": sfName, "given_name": sfGivenName, "family_name": sfFamilyName, "email": sfEmail,
	"postcode": sfPostcode, "country": sfCountry, "phone": sfPhone, "comment": sfComment,
	"organisation": sfOrganisation, "role": sfRole,
}

// signForm is a signing POST's form as the handler reads it: the first
// value of each signField sent (url.Values.Get's), "" for one not sent.
type signForm struct {
	vals [nSignFields]string
	sent uint32 // bit f: field f was sent
}

// get is field f's first value, or "".
func (f *signForm) get(field signField) string { return f.vals[field] }

// has reports whether field f was sent.
func (f *signForm) has(field signField) bool { return f.sent&(1<<field) != 0 }

// values is the form as url.Values, for the form shown again: each field
// the handler reads, with its first value.
func (f *signForm) values(names []string) url.Values {
	v := url.Values{}
	for _, name := range names {
		if field, ok := signFields[name]; ok && f.has(field) {
			v[name] = []string{f.get(field)}
		}
	}
	return v
}

// errFormInvalid refuses a form whose field names or values are not UTF-8,
// or whose values hold NUL: ParseForm accepted them, the handler never.
var errFormInvalid = errors.New("form field not valid UTF-8 or holding NUL")

// readSignForm reads r's body, which the caller has checked is
// formURLEncoded and limited (no longer than maxSignBody: its
// Content-Length, or http.MaxBytesReader), into f, and parses it as
// ParseForm does: an error (the MaxBytesReader's, the connection's, or a
// malformed escape or separator) for exactly the input ParseForm refused,
// including a malformed query string, which ParseForm parsed too; and
// errFormInvalid for a name that is not UTF-8 or a value that is not or
// that holds NUL. A body longer than maxSignBody is a MaxBytesError
// whatever reads it.
//
// The body is read into a pooled buffer and unescaped there in place, the
// kept values packed at its front: one string holds every value (one
// allocation per signature, none for the form's map, its values or their
// unescaping), and the buffer is cleared before it goes back, so no
// signer's details stay in memory.
func readSignForm(r *http.Request, f *signForm) error {
	*f = signForm{}
	if r.Body == nil {
		return errFormNoBody
	}
	bp := signBodies.Get().(*[]byte)
	b := (*bp)[:0]
	defer func() {
		clear(b)
		*bp = b[:0]
		signBodies.Put(bp)
	}()
	var err error
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		var n int
		n, err = r.Body.Read(b[len(b):min(cap(b), maxSignBody+1)])
		b = b[:len(b)+n]
		if len(b) > maxSignBody {
			return &http.MaxBytesError{Limit: maxSignBody}
		}
		if err != nil {
			break
		}
	}
	if err != io.EOF {
		return err
	}
	if err := f.parse(b); err != nil {
		return err
	}
	if r.URL.RawQuery != "" {
		return checkQuery(r.URL.RawQuery)
	}
	return nil
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

// parse reads body, a urlencoded form, into f as url.ParseQuery reads it
// (the same error for the same input: too many parameters, a semicolon, a
// malformed escape), unescaping in place: every name and value is written
// over itself or bytes before it (unescaping never lengthens), and a kept
// value at the front, after the values kept before it.
func (f *signForm) parse(body []byte) error {
	if bytes.Count(body, []byte{'&'})+1 > maxFormParams {
		return errFormParams
	}
	var spans [nSignFields][2]int
	var sent uint32 // f.sent, set only for a form read without error
	w := 0          // the kept values are body[:w]
	invalid := false
	for rest := 0; rest < len(body); {
		seg := body[rest:]
		next := len(body)
		if i := bytes.IndexByte(seg, '&'); i >= 0 {
			seg, next = seg[:i], rest+i+1
		}
		rest = next
		if bytes.IndexByte(seg, ';') >= 0 {
			return errFormSemicolon
		}
		if len(seg) == 0 {
			continue
		}
		key, val := seg, seg[len(seg):]
		if i := bytes.IndexByte(seg, '='); i >= 0 {
			key, val = seg[:i], seg[i+1:]
		}
		kn, ok := unescapeQuery(body[w:], key)
		if !ok {
			return errFormEscape
		}
		field, known := signFields[string(body[w:w+kn])]
		if !utf8.Valid(body[w : w+kn]) {
			invalid = true
		}
		vn, ok := unescapeQuery(body[w:], val)
		if !ok {
			return errFormEscape
		}
		v := body[w : w+vn]
		if !utf8.Valid(v) || bytes.IndexByte(v, 0) >= 0 {
			invalid = true
		}
		if known && sent&(1<<field) == 0 {
			sent |= 1 << field
			spans[field] = [2]int{w, w + vn}
			w += vn
		}
	}
	if invalid {
		return errFormInvalid
	}
	f.sent = sent
	kept := string(body[:w])
	for field, sp := range spans {
		f.vals[field] = kept[sp[0]:sp[1]]
	}
	return nil
}

// errFormEscape is url.QueryUnescape's refusal of a malformed escape.
var errFormEscape = errors.New("invalid URL escape in form")

// unescapeQuery writes src unescaped as url.QueryUnescape does ('+' is a
// space, %XX a byte) to dst, which may be src itself or start before it,
// and returns the length written, or false for a malformed escape.
func unescapeQuery(dst, src []byte) (int, bool) {
	n := 0
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch c {
		case '+':
			c = ' '
		case '%':
			if i+2 >= len(src) || !ishex(src[i+1]) || !ishex(src[i+2]) {
				return 0, false
			}
			c = unhex(src[i+1])<<4 | unhex(src[i+2])
			i += 2
		}
		dst[n] = c
		n++
	}
	return n, true
}

func ishex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}
