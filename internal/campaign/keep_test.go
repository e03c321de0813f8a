package campaign

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestLoadKeepsOrganisations: with LoadOptions.Keep, a load takes the
// organisations it names as they are, without reading their folders (a
// broken org.yaml there goes unseen), writes nothing into them while
// readers use them (run with -race), points the related campaigns of the
// organisations it reads at the kept ones, and still refuses a short
// address a kept campaign holds.
func TestLoadKeepsOrganisations(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("../../campaigns")); err != nil {
		t.Fatal(err)
	}
	first, problems := Load(dir)
	if problems.HasErrors() {
		t.Fatal(problems.Errors())
	}
	kept := first.Org("orrin-delta-network")
	if kept == nil || first.Org("common-table") == nil {
		t.Fatal("the examples have changed: orrin-delta-network and common-table are needed")
	}
	keep := LoadOptions{Keep: func(slug string) *Org {
		if slug == kept.Slug {
			return kept
		}
		return nil
	}}
	// Its folder now holds a broken file: read, it would be refused.
	if err := os.WriteFile(filepath.Join(dir, kept.Slug, "org.yaml"), []byte("name: [\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, problems := Load(dir); !problems.HasErrors() {
		t.Fatal("the broken org.yaml was not refused: the test shows nothing")
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Go(func() { // a reader of the site serving
		for {
			select {
			case <-stop:
				return
			default:
			}
			for _, c := range kept.Campaigns {
				_ = c.Title + c.Org.Slug + c.Short
				_ = kept.Campaign(c.Slug)
			}
		}
	})
	next, problems := LoadWith(dir, keep)
	close(stop)
	wg.Wait()
	if problems.HasErrors() {
		t.Fatalf("the kept organisation's folder was read: %v", problems.Errors())
	}
	if next.Org(kept.Slug) != kept {
		t.Error("the kept organisation is not the one given")
	}
	if got := next.Org("common-table"); got == first.Org("common-table") || got == nil {
		t.Error("common-table was not read again")
	}
	found := false
	for _, c := range next.Org("common-table").Campaigns {
		for _, r := range c.Related {
			if r.Target != nil && r.Target.Org.Slug == kept.Slug {
				found = true
				if r.Target != kept.Campaign(r.Target.Slug) {
					t.Errorf("%s's related campaign %s is not the kept organisation's own", c.Slug, r.Target.Slug)
				}
			}
		}
	}
	if !found {
		t.Error("common-table names no campaign of the kept organisation: the test shows nothing")
	}
	if len(next.Orgs) != len(first.Orgs) {
		t.Errorf("%d organisations, want %d", len(next.Orgs), len(first.Orgs))
	}

	// A campaign read now takes the kept campaign's short address.
	f := filepath.Join(dir, "shared-shore", "keep-the-library-open-late.yaml")
	data, err := os.ReadFile(f)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(f, append(data, "\nshort: delta-responders\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	_, problems = LoadWith(dir, keep)
	if !problems.HasErrors() || !strings.Contains(problems.Errors()[0].Message, "delta-responders") {
		t.Errorf("a short address the kept organisation holds was not refused: %v", problems)
	}
}
