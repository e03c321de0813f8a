package campaign

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"testing/fstest"
)

// fuzzFS is a fixed organisation, with files and a second campaign to point
// at, plus the campaign under test.
func fuzzFS(t testing.TB, campaign []byte) fstest.MapFS {
	t.Helper()
	png, err := os.ReadFile(filepath.Join("testdata", "valid", "every-kind", "riverside", "assets", "tiny.png"))
	if err != nil {
		t.Fatal(err)
	}
	return fstest.MapFS{
		"c/org/org.yaml": {Data: []byte(`name: Fuzz
languages: [en, ar]
logo: {src: assets/logo.svg, alt: Logo}
donate: https://fuzz.example/give
members: [{name: Member, link: "https://member.example"}]
media_contact: {name: Jo, phone: "+1 555 0100"}
`)},
		"c/org/assets/logo.svg":   {Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"/>`)},
		"c/org/assets/tiny.png":   {Data: png},
		"c/org/assets/report.pdf": {Data: []byte("%PDF-1.4\n")},
		"c/org/other.yaml":        {Data: []byte("title: Other\nsummary: Another.\ndate: 2026-01-01\nactions: [{kind: share}]\n")},
		"c/org/fuzz.yaml":         {Data: campaign},
	}
}

// FuzzLoad feeds arbitrary bytes to the loader as a campaign file. Whatever
// the bytes, it must not panic, and every problem must be well formed: a
// file, a message, a position that is 0:0 or 1-based, in sorted order, and a
// Site exactly when there are no errors. The seed corpus is in
// testdata/fuzz/FuzzLoad.
func FuzzLoad(f *testing.F) {
	f.Add([]byte("title: T\nsummary: S\ndate: 2026-01-01\nactions: [{kind: share}]\n"))
	f.Add([]byte("titel: T\n"))
	f.Add([]byte("a: &x [*x]\n"))
	f.Add([]byte("actions:\n  - kind: petition\n    goal: lots\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		site, ps := LoadFS(fuzzFS(t, data), "c")
		if (site == nil) != ps.HasErrors() {
			t.Fatalf("got site=%v with errors=%v, want a Site exactly when there are no errors:\n%s", site != nil, ps.HasErrors(), ps)
		}
		for _, p := range ps {
			if p.File == "" || p.Message == "" {
				t.Errorf("got a problem without a file or message: %#v", p)
			}
			if p.Line < 0 || p.Col < 0 || (p.Line == 0) != (p.Col == 0) {
				t.Errorf("got position %d:%d, want 0:0 or both ≥ 1: %s", p.Line, p.Col, p)
			}
		}
		if !slices.IsSortedFunc(ps, func(a, b Problem) int {
			if a.File != b.File {
				return cmpString(a.File, b.File)
			}
			if a.Line != b.Line {
				return a.Line - b.Line
			}
			return a.Col - b.Col
		}) {
			t.Errorf("problems are not sorted:\n%s", ps)
		}
	})
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
