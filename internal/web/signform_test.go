package web

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// TestSignFormAsParseForm: readSignForm reads every body (and query
// string) as Request.ParseForm did for a signing POST, followed by the
// handler's check that every name is UTF-8 and every value UTF-8 without
// NUL: the same first value of every field the handler reads, and an
// error exactly when either refused, a too-large body's being a
// MaxBytesError for both.
func TestSignFormAsParseForm(t *testing.T) {
	long := strings.Repeat("x", maxSignBody)
	for _, c := range []struct{ name, query, body string }{
		{"empty", "", ""},
		{"usual", "", "action=petition&consent=yes&name=Ann+Lee&token=abc&email=ann%40example.org&homepage="},
		{"every field", "", "action=letter&lang=fr&token=t&homepage=&consent=yes&contact=yes&public=yes&via=a.b&name=N&given_name=G&family_name=F&email=e%40x&postcode=AB1+2CD&country=FR&phone=%2B33+1&comment=%C3%A9t%C3%A9+%E2%80%94+ok&organisation=O&role=R"},
		{"repeated keys", "", "a=1&b=2&a=3&a=4"},
		{"repeated known keys: the first", "", "name=Ann&email=a%40x&name=Bob&email=b%40x"},
		{"escaped values before plain ones", "", "comment=%41%42%43+%44&zzz=" + strings.Repeat("%41", 50) + "&name=Ann+Lee&email=x%40y&role=plain"},
		{"many fields", "", strings.Repeat("f=1&", 40) + "g=2"},
		{"many distinct fields", "", "a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8&i=9&j=10&k=11&l=12&m=13&n=14&o=15&p=16&q=17&r=18&a=19"},
		{"no value", "", "a&b=&=c&&"},
		{"known field without value", "", "name&email=&consent"},
		{"escaped key", "", "na%6De=x&%zz=1"},
		{"escaped known key", "", "na%6De=x&%65mail=y%40z"},
		{"bad escape", "", "name=%zz"},
		{"bad escape late", "", "name=a&email=%4"},
		{"bad escape at the end", "", "name=a%"},
		{"semicolon", "", "a=1;b=2"},
		{"semicolon in value", "", "a=1&b=x;y"},
		{"plus and spaces", "", "a=+%20+&b=%2B"},
		{"invalid UTF-8 escaped", "", "a=%ff%fe"},
		{"invalid UTF-8 in a known value", "", "name=%ff"},
		{"invalid UTF-8 in a name", "", "%ff=1"},
		{"NUL", "", "a=%00"},
		{"NUL in a known value", "", "name=Ann%00"},
		{"NUL in a name", "", "na%00me=Ann"},
		{"too many params", "", strings.Repeat("&", maxFormParams)},
		{"just under the limit", "", "a=" + long[:maxSignBody-2]},
		{"too large", "", "a=" + long},
		{"query", "origin=https%3A%2F%2Fpartner.example", "a=1"},
		{"the form's language", "lang=en", "a=1"},
		{"language and origin", "lang=he&origin=http://127.0.0.1:8080", "a=1"},
		{"plus and equals in query", "lang=a+b=c&&=&x", "a=1"},
		{"too many query params", strings.Repeat("&", maxFormParams), "a=1"},
		{"just under the query limit", strings.Repeat("&", maxFormParams-1), "a=1"},
		{"bad query", "x=%zz", "a=1"},
		{"semicolon query", "a;b", "a=1"},
		{"bad query and too large", "x=%zz", "a=" + long},
	} {
		t.Run(c.name, func(t *testing.T) { checkSignFormAsParseForm(t, c.query, c.body) })
	}
}

// FuzzSignForm holds readSignForm to ParseForm and the handler's
// UTF-8/NUL rule on any body and query string. Run with
//
//	go test ./internal/web -run XXX -fuzz FuzzSignForm -fuzztime 60s
func FuzzSignForm(f *testing.F) {
	f.Add("", "action=petition&consent=yes&name=Ann+Lee&token=abc&email=ann%40example.org&homepage=")
	f.Add("lang=en", "na%6De=x&name=y&%65mail=%C3%A9%2B+&comment=%zz")
	f.Add("", "a=1;b=2&name=%00&email=%ff&&=&role")
	f.Fuzz(func(t *testing.T, query, body string) {
		if u, err := url.Parse("/o/c/sign?" + query); err != nil || u.RawQuery != query || strings.ContainsAny(query, " \t") {
			return // not a request target's query
		}
		checkSignFormAsParseForm(t, query, body)
	})
}

// checkSignFormAsParseForm reads body (with query) with readSignForm and
// with ParseForm followed by the handler's UTF-8/NUL rule, and fails t
// unless both refuse or both read the same first value of every field
// the handler reads.
func checkSignFormAsParseForm(t *testing.T, query, body string) {
	t.Helper()
	request := func() *http.Request {
		r := httptest.NewRequest("POST", "/o/c/sign?"+query, strings.NewReader(body))
		r.Header.Set("Content-Type", formURLEncoded)
		r.Body = http.MaxBytesReader(httptest.NewRecorder(), r.Body, maxSignBody)
		return r
	}
	want := request()
	werr := want.ParseForm()
	if werr == nil {
		for k, vs := range want.PostForm {
			for _, v := range vs {
				if !utf8.ValidString(k) || !utf8.ValidString(v) || strings.IndexByte(v, 0) >= 0 {
					werr = errFormInvalid
				}
			}
		}
	}
	var got signForm
	gerr := readSignForm(request(), &got)
	if (werr == nil) != (gerr == nil) {
		t.Fatalf("error %v, ParseForm and the handler's %v", gerr, werr)
	}
	var wm, gm *http.MaxBytesError
	if errors.As(werr, &wm) != errors.As(gerr, &gm) {
		t.Errorf("error %v, ParseForm's %v: not both too large", gerr, werr)
	}
	if werr != nil {
		return
	}
	for name, field := range signFields {
		_, sent := want.PostForm[name]
		if got.get(field) != want.PostForm.Get(name) || got.has(field) != sent {
			t.Errorf("%s: %q (sent %v), ParseForm's %q", name, got.get(field), got.has(field), want.PostForm[name])
		}
	}
}

// TestSignFormUnannouncedLength: a body longer than maxSignBody is refused
// as too large even when nothing limited it on the way in (a request whose
// Content-Length was not checked).
func TestSignFormUnannouncedLength(t *testing.T) {
	r := httptest.NewRequest("POST", "/o/c/sign", strings.NewReader("a="+strings.Repeat("x", maxSignBody)))
	var f signForm
	var mbe *http.MaxBytesError
	if err := readSignForm(r, &f); !errors.As(err, &mbe) {
		t.Errorf("got %v, want a MaxBytesError", err)
	}
}

// TestURLEncodedForm: the Content-Types a signing POST is read with are
// those mime.ParseMediaType names application/x-www-form-urlencoded.
func TestURLEncodedForm(t *testing.T) {
	for ct, want := range map[string]bool{
		"application/x-www-form-urlencoded":                true,
		"Application/X-WWW-Form-URLEncoded":                true,
		"application/x-www-form-urlencoded; charset=UTF-8": true,
		" application/x-www-form-urlencoded ":              true,
		"application/x-www-form-urlencoded; charset":       true, // ErrInvalidMediaParameter, type kept
		"multipart/form-data; boundary=x":                  false,
		"text/plain":                                       false,
		"":                                                 false,
		"application/x-www-form-urlencodedx":               false,
	} {
		if got := isURLEncodedForm(ct); got != want {
			t.Errorf("%q: got %v, want %v", ct, got, want)
		}
	}
}

// TestSignContext: the context a signature waits for the store under has
// a deadline at least signTimeout and less than signTimeout + 1 s away,
// and no request's cancellation.
func TestSignContext(t *testing.T) {
	s := &Server{}
	for range 3 {
		before := time.Now()
		ctx := s.signContext()
		after := time.Now()
		dl, ok := ctx.Deadline()
		if !ok || dl.Before(before.Add(signTimeout)) || !dl.Before(after.Add(signTimeout+time.Second)) {
			t.Errorf("deadline %v, want in [%v, %v)", dl, before.Add(signTimeout), after.Add(signTimeout+time.Second))
		}
		if ctx.Err() != nil {
			t.Errorf("ended already: %v", ctx.Err())
		}
	}
}
