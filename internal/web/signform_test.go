package web

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestSignFormAsParseForm: readSignForm reads every body (and query
// string) as Request.ParseForm did for a signing POST: the same values,
// and an error exactly when ParseForm gave one, a too-large body's being
// a MaxBytesError for both.
func TestSignFormAsParseForm(t *testing.T) {
	long := strings.Repeat("x", maxSignBody)
	for _, c := range []struct{ name, query, body string }{
		{"empty", "", ""},
		{"usual", "", "action=petition&consent=yes&name=Ann+Lee&token=abc&email=ann%40example.org&homepage="},
		{"repeated keys", "", "a=1&b=2&a=3&a=4"},
		{"many fields", "", strings.Repeat("f=1&", 40) + "g=2"},
		{"many distinct fields", "", "a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8&i=9&j=10&k=11&l=12&m=13&n=14&o=15&p=16&q=17&r=18&a=19"},
		{"no value", "", "a&b=&=c&&"},
		{"escaped key", "", "na%6De=x&%zz=1"},
		{"bad escape", "", "name=%zz"},
		{"bad escape late", "", "name=a&email=%4"},
		{"semicolon", "", "a=1;b=2"},
		{"semicolon in value", "", "a=1&b=x;y"},
		{"plus and spaces", "", "a=+%20+&b=%2B"},
		{"invalid UTF-8 escaped", "", "a=%ff%fe"},
		{"NUL", "", "a=%00"},
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
		t.Run(c.name, func(t *testing.T) {
			request := func() *http.Request {
				r := httptest.NewRequest("POST", "/o/c/sign?"+c.query, strings.NewReader(c.body))
				r.Header.Set("Content-Type", formURLEncoded)
				r.Body = http.MaxBytesReader(httptest.NewRecorder(), r.Body, maxSignBody)
				return r
			}
			want := request()
			werr := want.ParseForm()
			got, gerr := readSignForm(request())
			if (werr == nil) != (gerr == nil) {
				t.Fatalf("error %v, ParseForm's %v", gerr, werr)
			}
			var wm, gm *http.MaxBytesError
			if errors.As(werr, &wm) != errors.As(gerr, &gm) {
				t.Errorf("error %v, ParseForm's %v: not both too large", gerr, werr)
			}
			if werr == nil && !reflect.DeepEqual(got, want.PostForm) {
				t.Errorf("got %q, ParseForm's %q", got, want.PostForm)
			}
		})
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
