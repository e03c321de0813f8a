// Package campaigntest builds campaign sites for tests the way the server
// gets them: through the loader, from files held in memory. A test writes
// the YAML an organiser would write, so every default, check and derived
// field is the loader's own, and no test depends on a site the loader
// could never produce.
package campaigntest

import (
	"maps"
	"testing"
	"testing/fstest"

	"github.com/placard/placard/internal/campaign"
)

// Files is a campaigns folder held in memory: each file's path inside the
// folder ("riverside/org.yaml", "riverside/assets/logo.svg") and its
// contents, text or binary.
type Files map[string]string

// Clone returns a copy of f that can be changed without changing f.
func (f Files) Clone() Files { return maps.Clone(f) }

// FS returns f as a file system whose root is the campaigns folder.
func (f Files) FS() fstest.MapFS {
	fsys := fstest.MapFS{}
	for name, data := range f {
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	return fsys
}

// Site loads files with campaign.LoadFS and returns the site, failing t
// on any error the loader reports (each one listed with its file, line and
// column). Warnings are allowed: test sites show on purpose what check
// only warns about, such as a small picture or HTML in Markdown.
func Site(t testing.TB, files Files) *campaign.Site {
	t.Helper()
	site, problems := campaign.LoadFS(files.FS(), ".")
	for _, p := range problems.Errors() {
		t.Errorf("loading the test site: %s", p)
	}
	if site == nil || problems.HasErrors() {
		t.FailNow()
	}
	return site
}
