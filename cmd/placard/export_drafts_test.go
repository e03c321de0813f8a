package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestBuildLeavesOutUnpublishedFiles: a static copy holds only what the
// public pages use. Attack (a leak, no attacker needed): a campaign taken
// down with status: draft, or waiting for its publish_at, names a picture
// and an embargoed report; `placard build` copied every file of the
// organisation's folder into static/ (and listed them in _headers), so the
// unpublished report and picture went public with the copy, under their
// own names. A picture a published campaign uses, the same bytes under
// another name included, is still copied.
func TestBuildLeavesOutUnpublishedFiles(t *testing.T) {
	camps := t.TempDir()
	org := filepath.Join(camps, "northgate-tenants")
	if err := os.CopyFS(org, os.DirFS(filepath.Join("..", "..", "campaigns", "northgate-tenants"))); err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(filepath.Join(org, "tell-the-courier.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	pic, err := os.ReadFile(filepath.Join(org, "assets", "tell-the-courier.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, data []byte) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(org, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Bytes after the JPEG's end change its hash, not the picture.
	write("assets/embargoed-photo.jpg", append(append([]byte(nil), pic...), "EMBARGOED-PHOTO"...))
	write("assets/embargoed-report.pdf", []byte("%PDF-1.4 EMBARGOED-REPORT"))
	write("assets/future-photo.jpg", append(append([]byte(nil), pic...), "FUTURE-PHOTO"...))
	imageSrc := regexp.MustCompile(`(?m)^(  src: )assets/[^\n]+$`)
	draft := imageSrc.ReplaceAll(src, []byte("${1}assets/embargoed-photo.jpg"))
	draft = append([]byte("status: draft\n"), draft...)
	draft = append(draft, "\n"...)
	draft = bytes.Replace(draft, []byte("\nactions:\n"), []byte(`
actions:
  - kind: resources
    items:
      - title: The report
        file: assets/embargoed-report.pdf
`), 1)
	write("taken-down.yaml", draft)
	future := imageSrc.ReplaceAll(src, []byte("${1}assets/future-photo.jpg"))
	write("not-yet.yaml", append([]byte("publish_at: 2099-01-01\n"), future...))

	out := runBuild(t, camps)
	var leaked []string
	err = filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if strings.Contains(p, "embargoed") || strings.Contains(p, "future-photo") {
			leaked = append(leaked, p)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, mark := range []string{"EMBARGOED", "FUTURE-PHOTO", "embargoed-", "future-photo"} {
			if bytes.Contains(data, []byte(mark)) {
				leaked = append(leaked, p+" holds "+mark)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(leaked) > 0 {
		t.Errorf("the static copy holds unpublished files:\n%s", strings.Join(leaked, "\n"))
	}
	// The published campaign's picture is there, and every file it names.
	page, err := os.ReadFile(filepath.Join(out, "northgate-tenants", "tell-the-courier", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	refs := regexp.MustCompile(`/static/northgate-tenants/[^"' ,)?#]+`).FindAll(page, -1)
	if len(refs) == 0 {
		t.Fatalf("the published campaign's page names no file of its organisation")
	}
	for _, r := range refs {
		if _, err := os.Stat(filepath.Join(out, filepath.FromSlash(string(r)))); err != nil {
			t.Errorf("the published page names %s, which the copy lacks: %v", r, err)
		}
	}
}
