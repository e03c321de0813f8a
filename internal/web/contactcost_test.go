package web

import (
	"bytes"
	"compress/flate"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/placard/placard/internal/campaign/campaigntest"
)

// TestContactRefusalsSealNothing: sealing a letter (compressing it into
// the confirmation link) is a write's one costly step, and it came before
// the form token was checked, so a few clients posting maximal letters
// with made-up tokens could keep both cores compressing. Every cheap
// refusal now comes first: a made-up token, a spent one, an over-long
// letter, bad fields, an oversized body and a rate-limited client seal
// nothing (Server.seals); only a form that passes them all is sealed,
// once.
func TestContactRefusalsSealNothing(t *testing.T) {
	e := newWriteEnv(t, openSQLite(t), 5)
	long := arabicMessage()
	v := writeValues(t, e, "moss", "Ada", "ada@example.org")
	v.Set("message", long)
	e.clock.add(time.Minute)

	refused := func(what string, v url.Values, status int) {
		t.Helper()
		before := e.s.seals.Load()
		wantStatus(t, e.post(t, writePage+"/write", v, nil), status)
		if n := e.s.seals.Load() - before; n != 0 {
			t.Errorf("%s: sealed %d letters before refusing", what, n)
		}
	}
	bad := url.Values{}
	for k, vs := range v {
		bad[k] = vs
	}
	bad.Set("token", "made-up")
	refused("a made-up token", bad, 400)
	bad.Del("token")
	refused("no token", bad, 400)
	over := clone(v)
	over.Set("message", long+"ب")
	refused("a letter one character over", over, 400)
	noName := clone(v)
	noName.Set("name", "")
	refused("no name", noName, 400)
	huge := clone(v)
	huge.Set("message", strings.Repeat("a", maxWriteBody))
	refused("an oversized body", huge, 413)

	before := e.s.seals.Load()
	wantStatus(t, e.post(t, writePage+"/write", v, nil), 303)
	if n := e.s.seals.Load() - before; n != 1 {
		t.Fatalf("a good form sealed %d letters, want 1", n)
	}
	refused("the same token again", v, 400)

	// A client past the rate limit is refused before the handler.
	c := &clock{t: clockStart}
	s, err := New(Config{BaseURL: "https://act.example.org", SiteName: "Act", Store: openSQLite(t), RateLimit: 2, Now: c.now},
		campaigntest.Site(t, writeFiles(t, 5)))
	if err != nil {
		t.Fatal(err)
	}
	le := &signEnv{s: s, st: s.cfg.Store, clock: c}
	lv := writeValues(t, le, "moss", "Ada", "ada@example.org")
	lv.Set("token", "made-up")
	wantStatus(t, le.post(t, writePage+"/write", lv, nil), 400)
	for range 3 {
		before := s.seals.Load()
		wantStatus(t, le.post(t, writePage+"/write", v, nil), 429)
		if n := s.seals.Load() - before; n != 0 {
			t.Errorf("a rate-limited POST sealed %d letters", n)
		}
	}
}

func clone(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// TestContactCraftedLinkBounded: a confirmation link whose sealed value
// inflates far past any letter (a megabyte from a kilobyte of DEFLATE,
// sealed with the server's own key, as a leaked key would let anyone do)
// is refused as an expired link, a 400, never inflated whole.
func TestContactCraftedLinkBounded(t *testing.T) {
	e := newWriteEnv(t, openSQLite(t), 5)
	var b bytes.Buffer
	b.WriteByte(1) // formtoken's packed mark
	w, _ := flate.NewWriter(&b, flate.BestCompression)
	w.Write([]byte(`{"p":"` + writePage + `","t":"moss","m":"`))
	w.Write(bytes.Repeat([]byte{'a'}, 1<<20))
	w.Write([]byte(`","x":9999999999}`))
	w.Close()
	c := e.s.sealer.Seal(b.Bytes())
	wantStatus(t, get(t, e.s, "GET", writePage+"/confirm?"+url.Values{"c": {c}}.Encode(), nil), 400)
}
