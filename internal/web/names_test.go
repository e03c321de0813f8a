package web

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/placard/placard/internal/campaign/campaigntest"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

const splitPage = "/riverside/split-names"

// newNamesEnv is newSignEnv on signFiles plus a petition whose campaign
// asks for given and family names apart (name_fields: split).
func newNamesEnv(t *testing.T, st store.Store) *signEnv {
	t.Helper()
	files := signFiles(t)
	files["riverside/split-names.yaml"] = `title: Names apart
summary: Given and family names.
date: 2026-01-05
name_fields: split
actions:
  - kind: petition
    id: sign
    target: Council
    text: Listen to us.
`
	c := &clock{t: clockStart}
	committer := store.NewCommitter(st, store.CommitterOptions{})
	t.Cleanup(func() { committer.Close() })
	s, err := New(Config{BaseURL: "https://act.example.org", SiteName: "Act", Store: st, Recorder: committer,
		RateLimit: -1, Now: c.now}, campaigntest.Site(t, files))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return &signEnv{s: s, st: st, clock: c}
}

// TestSignSplitNames: a campaign with name_fields: split asks for the given
// and family names in two labelled fields with their autocomplete tokens,
// stores both apart and the joined name, and lists the signer as
// "Given Family"; a campaign without it keeps the one name field.
func TestSignSplitNames(t *testing.T) {
	forEachEngine(t, func(t *testing.T, st store.Store) {
		e := newNamesEnv(t, st)
		d := doc(t, get(t, e.s, "GET", splitPage, nil))
		for _, f := range []struct{ name, auto, label string }{
			{"given_name", "given-name", "Given name"},
			{"family_name", "family-name", "Family name"},
		} {
			in := d.Find("#sign-form input[name=" + f.name + "]")
			if in.Length() != 1 {
				t.Fatalf("split form: got %d inputs %s, want 1", in.Length(), f.name)
			}
			if got := in.AttrOr("autocomplete", ""); got != f.auto {
				t.Errorf("%s: autocomplete %q, want %q", f.name, got, f.auto)
			}
			if _, ok := in.Attr("required"); !ok {
				t.Errorf("%s: not required", f.name)
			}
			id := in.AttrOr("id", "")
			if got := strings.TrimSpace(d.Find("label[for='" + id + "']").Text()); !strings.HasPrefix(got, f.label) {
				t.Errorf("%s: label %q, want %q", f.name, got, f.label)
			}
		}
		if n := d.Find("#sign-form input[name=name]").Length(); n != 0 {
			t.Errorf("split form: got %d one-field name inputs, want 0", n)
		}
		// Another campaign of the same organisation keeps one field.
		one := doc(t, get(t, e.s, "GET", "/riverside/every-field", nil))
		if one.Find("#sign-form input[name=name]").Length() != 1 || one.Find("#sign-form input[name=given_name]").Length() != 0 {
			t.Errorf("a campaign without name_fields: does not ask for one name")
		}

		// A missing family name is shown next to its field.
		v := e.formValues(t, splitPage, "sign-form")
		v.Del("name")
		v.Set("given_name", "Leila")
		e.clock.add(5 * time.Second)
		res := e.post(t, splitPage+"/sign", v, nil)
		wantStatus(t, res, 422)
		bad := doc(t, res)
		if got := strings.TrimSpace(bad.Find("#sign-form-family_name-error").Text()); !strings.Contains(got, "Enter your family name") {
			t.Errorf("missing family name: error %q", got)
		}
		if got := bad.Find("#sign-form-given_name").AttrOr("value", ""); got != "Leila" {
			t.Errorf("given name not kept on the re-show: %q", got)
		}

		v.Set("family_name", " Haddad ")
		v.Set("public", "yes")
		e.clock.add(5 * time.Second)
		wantStatus(t, e.post(t, splitPage+"/sign", v, nil), 303)
		var got []signing.Signature
		if err := st.Signatures(context.Background(), "riverside", "split-names", "", func(s *signing.Signature) error {
			got = append(got, *s)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].GivenName != "Leila" || got[0].FamilyName != "Haddad" || got[0].Name != "Leila Haddad" {
			t.Fatalf("stored: got %+v, want Leila / Haddad / Leila Haddad", got)
		}
		e.poll(t)
		after := doc(t, get(t, e.s, "GET", splitPage, nil))
		if got := after.Find(".signers .signer-name").Text(); got != "Leila Haddad" {
			t.Errorf("recent signers: got %q, want Leila Haddad", got)
		}
	})
}

// TestDataPageSplitNames: the supporter's data page and its download show
// the given and family names a split form kept, each under its own label.
func TestDataPageSplitNames(t *testing.T) {
	f := signFiles(t)
	f["riverside/org.yaml"] += "name_fields: split\n"
	e := newMailEnv(t, openSQLite(t), f)
	v := e.formValues(t, libraryPage, "petition-form")
	v.Del("name")
	v.Set("given_name", "Leila")
	v.Set("family_name", "Haddad")
	e.clock.add(5 * time.Second)
	wantStatus(t, e.post(t, libraryPage+"/sign", v, nil), 303)
	m := e.deliver(t, 1)[0]
	link := e.dataLinkVia(t, m)
	d := doc(t, get(t, e.s, "GET", link, nil))
	page := text(d.Find("main"))
	for _, want := range []string{"Leila Haddad", "Given name", "Leila", "Family name", "Haddad"} {
		if !strings.Contains(page, want) {
			t.Errorf("data page lacks %q:\n%s", want, page)
		}
	}
	tok := d.Find("form.data-action input[name=t]").First().AttrOr("value", "")
	res := e.post(t, "/riverside/mail/data/download", url.Values{"t": {tok}}, nil)
	wantStatus(t, res, 200)
	var got struct {
		Signatures []struct {
			Name       string `json:"name"`
			GivenName  string `json:"given_name"`
			FamilyName string `json:"family_name"`
		} `json:"signatures"`
	}
	if err := json.NewDecoder(res.Body).Decode(&got); err != nil || len(got.Signatures) != 1 {
		t.Fatalf("download: %+v, %v", got, err)
	}
	if s := got.Signatures[0]; s.Name != "Leila Haddad" || s.GivenName != "Leila" || s.FamilyName != "Haddad" {
		t.Errorf("download: got %+v, want Leila Haddad / Leila / Haddad", s)
	}
}

// TestSignRTLNameMarks: a name typed on an Arabic or Hebrew phone keyboard
// carries invisible direction marks (RLM, LRM, ALM); the signature is
// kept with the marks dropped and listed isolated (bdi), while a name with
// an override, which could reorder the public list, gets a 422 that says
// what to change and nothing is stored.
func TestSignRTLNameMarks(t *testing.T) {
	e := newNamesEnv(t, openSQLite(t))
	v := e.formValues(t, splitPage, "sign-form")
	v.Del("name")
	v.Set("given_name", "\u202eليلى")
	v.Set("family_name", "حداد")
	v.Set("public", "yes")
	e.clock.add(5 * time.Second)
	res := e.post(t, splitPage+"/sign", v, nil)
	wantStatus(t, res, 422)
	if got := strings.TrimSpace(doc(t, res).Find("#sign-form-given_name-error").Text()); !strings.Contains(got, "remove them, or type it again") {
		t.Errorf("override in a name: error %q, want the plain message", got)
	}

	v = e.formValues(t, splitPage, "sign-form")
	v.Del("name")
	v.Set("given_name", "\u200fليلى\u200f")
	v.Set("family_name", "\u061cحداد\u200e")
	v.Set("public", "yes")
	e.clock.add(5 * time.Second)
	wantStatus(t, e.post(t, splitPage+"/sign", v, nil), 303)
	var got []signing.Signature
	if err := e.st.Signatures(context.Background(), "riverside", "split-names", "", func(s *signing.Signature) error {
		got = append(got, *s)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Name != "ليلى حداد" {
		t.Fatalf("stored: got %+v, want one signature named ليلى حداد", got)
	}
	e.poll(t)
	after := doc(t, get(t, e.s, "GET", splitPage, nil))
	if got := after.Find(".signers li bdi.signer-name").Text(); got != "ليلى حداد" {
		t.Errorf("recent signers: got %q in a bdi, want ليلى حداد", got)
	}
}
