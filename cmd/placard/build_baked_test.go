package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/placard/placard/internal/signing"
)

// TestBuildBakesCountsAndMastodon: placard build --db shows each petition
// the count the database holds now (no signer's name), and with
// --api-origin the export's Mastodon form goes to the live server's share
// redirect, which its policy allows; without --api-origin the export has
// no Mastodon form to a page no static host has (issue 13 B8).
func TestBuildBakesCountsAndMastodon(t *testing.T) {
	dir := filepath.Join("..", "..", "campaigns")
	db := filepath.Join(t.TempDir(), "placard.db")
	st := openForTest(t, db)
	seed(t, st,
		sig("northgate-tenants/tell-the-courier", "Ada Public", "ada@example.org", signing.KindIndividual, func(s *signing.Signature) { s.Public = true }),
		sig("northgate-tenants/tell-the-courier", "Bo", "bo@example.org", signing.KindIndividual),
		sig("northgate-tenants/tell-the-courier", "Cy", "cy@example.org", signing.KindIndividual))

	const api = "https://act.example.org"
	page := func(args ...string) (*goquery.Document, string) {
		t.Helper()
		out := filepath.Join(t.TempDir(), "site")
		var stderr bytes.Buffer
		args = append([]string{"build", out, "--campaigns", dir, "--base-url", "https://static.example"}, args...)
		if err := run(context.Background(), args, env(nil), io.Discard, &stderr); err != nil {
			t.Fatalf("placard %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
		}
		body, err := os.ReadFile(filepath.Join(out, "northgate-tenants", "tell-the-courier", "index.html"))
		if err != nil {
			t.Fatal(err)
		}
		headers, _ := os.ReadFile(filepath.Join(out, "_headers"))
		d, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		return d, string(headers)
	}

	d, headers := page("--api-origin", api, "--db", db)
	if got := strings.TrimSpace(d.Find("#petition-count").Text()); got != "3 people have signed" {
		t.Errorf("baked count: got %q, want %q", got, "3 people have signed")
	}
	if strings.Contains(d.Text(), "Ada Public") {
		t.Errorf("the export holds a signer's name; a static copy bakes counts only")
	}
	for _, f := range d.Find("form.mastodon-form").EachIter() {
		if a := f.AttrOr("action", ""); !strings.HasPrefix(a, api+"/northgate-tenants/") || !strings.HasSuffix(a, "/share/mastodon") {
			t.Errorf("exported Mastodon form posts to %q, want the live server's share redirect", a)
		}
	}
	if d.Find("form.mastodon-form").Length() == 0 {
		t.Errorf("the export with --api-origin has no Mastodon form")
	}
	if !strings.Contains(headers, "/northgate-tenants/\n") || strings.Count(headers, "form-action 'self' "+api) < 3 {
		t.Errorf("_headers: pages with a Mastodon form must let it go to %s", api)
	}

	d, _ = page()
	if n := d.Find("form.mastodon-form").Length(); n != 0 {
		t.Errorf("export without --api-origin: %d Mastodon forms to a share redirect no static host has, want 0", n)
	}

	var stderr bytes.Buffer
	err := run(context.Background(), []string{"build", filepath.Join(t.TempDir(), "x"), "--campaigns", dir, "--db", filepath.Join(t.TempDir(), "missing.db")}, env(nil), io.Discard, &stderr)
	if err == nil || !strings.Contains(err.Error(), "no signature database") {
		t.Errorf("build --db with a missing file: got %v, want it refused", err)
	}
}
