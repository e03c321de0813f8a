package web

import (
	"strings"
	"testing"

	"github.com/placard/placard/internal/campaign/campaigntest"
)

// TestDevShowsDrafts: under serve --dev an organiser opening a draft at
// its own address sees it, under a banner saying it is a draft, instead
// of "page not found"; a public server still answers 404.
func TestDevShowsDrafts(t *testing.T) {
	f := testFiles(t)
	f["riverside/next-step.yaml"] = `title: Our next step
summary: Not ready yet.
date: 2026-03-01
status: draft
actions:
  - kind: petition
    target: The council
    text: Keep the library open late.
`
	site := campaigntest.Site(t, f)
	dev, prod := newDevServer(t), newTestServer(t)
	for _, s := range []*Server{dev, prod} {
		if err := s.SetSite(site); err != nil {
			t.Fatal(err)
		}
	}
	res := get(t, dev, "GET", "/riverside/next-step", nil)
	wantStatus(t, res, 200)
	d := doc(t, res)
	if got := strings.TrimSpace(d.Find(".preview-banner").Text()); !strings.Contains(got, "Draft — not public.") || !strings.Contains(got, "status: published") {
		t.Errorf("draft banner = %q", got)
	}
	if got := res.Header.Get("X-Robots-Tag"); got != "noindex" {
		t.Errorf("X-Robots-Tag = %q, want noindex", got)
	}
	wantStatus(t, get(t, prod, "GET", "/riverside/next-step", nil), 404)
}
