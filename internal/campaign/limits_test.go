package campaign

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"go.yaml.in/yaml/v4"
)

// aliasBomb is an org.yaml of about 220 KB whose 200 KB member name is
// repeated through an alias `times` times: harmless as bytes, 80 MB once
// every alias is followed. It returns the file and the line of the first
// alias.
func aliasBomb(times int) (src string, firstAlias int) {
	var b strings.Builder
	b.WriteString("name: Bomb\nmembers:\n")
	b.WriteString("  - name: &big " + strings.Repeat("A", 200<<10) + "\n    link: https://a.example\n")
	for range times {
		b.WriteString("  - {name: *big, link: https://a.example}\n")
	}
	return b.String(), 5
}

// TestAliasExpansionBounded: a file whose aliases would expand it far beyond
// its own size is refused at the alias that repeats the most, naming it, and
// is not decoded at all.
func TestAliasExpansionBounded(t *testing.T) {
	src, line := aliasBomb(400)
	if len(src) > 230<<10 {
		t.Fatalf("the bomb is %d bytes, want about 220 KB", len(src))
	}
	site, ps := LoadFS(fstest.MapFS{"c/bomb/org.yaml": {Data: []byte(src)}}, "c")
	if site != nil {
		t.Fatal("got a Site, want the file refused")
	}
	want := Problem{File: "c/bomb/org.yaml", Line: line, Col: 12,
		Message: "this alias *big repeats 200 KB of text 400 times, which makes this file 78.3 MB once read — at most 865 KB (four times the file's size) is allowed: write the text out once, without the alias"}
	if len(ps) != 1 || ps[0] != want {
		t.Errorf("got problems:\n%s\nwant:\n%s", ps, want)
	}

	// The measure itself never follows an alias twice: it counts each node
	// of the file once, however often it is repeated.
	root := parseNode(t, src)
	x := measure(root)
	// root, name: Bomb, members: and the list; then 401 members of a mapping,
	// name:, link: and its address, each with the 200 KB name.
	wantSize := int64(1+5+5+8+1) + 401*int64(1+5+5+18) + 401*int64(200<<10+1)
	if x.size != wantSize {
		t.Errorf("measured %d bytes, want %d", x.size, wantSize)
	}
	if x.visited > 2*401*6 {
		t.Errorf("the measure visited %d nodes, want each node of the file once (at most %d)", x.visited, 2*401*6)
	}
}

// TestAliasNesting: aliases of aliases (a "billion laughs") are measured
// without being expanded, and refused at the alias that repeats the most.
func TestAliasNesting(t *testing.T) {
	var b strings.Builder
	b.WriteString("title: T\nsummary: S\ndate: 2026-01-01\nactions: [{kind: share}]\nhashtags:\n  - &l0 lol\n")
	for i := 1; i <= 40; i++ {
		fmt.Fprintf(&b, "  - &l%d [*l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d]\n", i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	fs := fuzzFS(t, []byte(b.String()))
	_, ps := LoadFS(fs, "c")
	var got []string
	for _, p := range ps.Errors() {
		got = append(got, p.String())
	}
	want := "c/org/fuzz.yaml:46:11: this alias *l39 repeats more than 1 TB of text 10 times, which makes this file more than 1 TB once read — at most 64 KB is allowed: write the text out once, without the alias"
	if len(got) != 1 || got[0] != want {
		t.Errorf("got errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), want)
	}
}

// TestAliasWithinBounds: an anchor used a few times, as organisers do to
// avoid repeating a sentence, still loads.
func TestAliasWithinBounds(t *testing.T) {
	src := "title: T\nsummary: &s A short summary that the share text repeats.\ndate: 2026-01-01\nactions:\n  - kind: share\n    text: *s\n"
	if _, ps := LoadFS(fuzzFS(t, []byte(src)), "c"); ps.HasErrors() {
		t.Errorf("got errors, want none:\n%s", ps.Errors())
	}
}

// TestListLengths: every list has a length limit, reported at the list.
func TestListLengths(t *testing.T) {
	var b strings.Builder
	b.WriteString("title: T\nsummary: S\ndate: 2026-01-01\nhashtags: [")
	for i := range 31 {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "tag%d", i)
	}
	b.WriteString("]\nactions:\n")
	for range 31 {
		b.WriteString("  - kind: share\n")
	}
	_, ps := LoadFS(fuzzFS(t, []byte(b.String())), "c")
	var got []string
	for _, p := range ps.Errors() {
		got = append(got, p.String())
	}
	want := []string{
		"c/org/fuzz.yaml:4:11: 'hashtags' lists 31 items, more than the 30 allowed — keep the most important ones",
		"c/org/fuzz.yaml:6:3: 'actions' lists 31 items, more than the 30 allowed — keep the most important ones",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func parseNode(t *testing.T, src string) *yaml.Node {
	t.Helper()
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(src), &n); err != nil {
		t.Fatal(err)
	}
	return n.Content[0]
}
