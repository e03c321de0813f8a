package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/placard/placard/internal/signing"
)

// TestSignaturesMove: `placard signatures move ORG FROM TO` moves a
// campaign's signatures by hand, counting someone who signed under both
// names once; a second run moves nothing; names that are not web-address
// names are refused before the database is opened.
func TestSignaturesMove(t *testing.T) {
	db := sqliteDB(t)
	st := openForTest(t, db)
	later := func(s *signing.Signature) { s.CreatedAt = s.CreatedAt.Add(time.Hour) }
	seed(t, st, sig("riverside/old-name", "Ann", "ann@example.org", signing.KindIndividual),
		sig("riverside/old-name", "Bob", "bob@example.org", signing.KindIndividual),
		sig("riverside/new-name", "Ann", "ann@example.org", signing.KindIndividual, later))
	out, errs, code := runCLI(t, "signatures", "move", "riverside", "old-name", "new-name", "--db", db)
	want := "Moved 2 signatures from riverside/old-name to riverside/new-name; 1 person signed under both names and counts once (the later signature was removed).\n"
	if code != 0 || out != want {
		t.Fatalf("signatures move: exit %d\n%s%s\nwant %q", code, out, errs, want)
	}
	if rows := exportCSV(t, db, "riverside/new-name"); len(rows) != 2 {
		t.Errorf("after the move: %d signatures under the new name, want 2", len(rows))
	}
	out, errs, code = runCLI(t, "signatures", "move", "riverside", "old-name", "new-name", "--db", db)
	if code != 0 || !strings.Contains(out, "nothing to move") {
		t.Errorf("second signatures move: exit %d\n%s%s", code, out, errs)
	}
	for _, args := range [][]string{
		{"riverside", "old-name"},
		{"riverside", "Old Name", "new-name"},
		{"riverside", "old--name", "new-name"},
		{"riverside", "same", "same"},
		{"riverside", "../x", "new-name"},
	} {
		out, errs, code := runCLI(t, append(append([]string{"signatures", "move"}, args...), "--db", db)...)
		if code != exitUsage || out != "" || errs == "" {
			t.Errorf("signatures move %q: exit %d, stdout %q, stderr %q; want exit %d with a message", args, code, out, errs, exitUsage)
		}
	}
	if out, _, code := runCLI(t, "signatures", "move", "--help"); code != 0 || !strings.Contains(out, "ORG FROM TO") {
		t.Errorf("signatures move --help: exit %d\n%s", code, out)
	}
}

// TestServeStartMovesRenamed: signatures made under a campaign's old name
// (by a server that ran before the rename) are counted under the new name
// from the first page served after a start with the redirect.
func TestServeStartMovesRenamed(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "campaigns")
	if err := os.CopyFS(dir, os.DirFS(signingCampaigns)); err != nil {
		t.Fatal(err)
	}
	orgYAML := filepath.Join(dir, "bay-runners", "org.yaml")
	b, err := os.ReadFile(orgYAML)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(orgYAML, append(b, "redirects:\n  old-path: light-the-path\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	db := sqliteDB(t)
	st := openForTest(t, db)
	seed(t, st, sig("bay-runners/old-path", "Ann", "ann@example.org", signing.KindIndividual),
		sig("bay-runners/old-path", "Bob", "bob@example.org", signing.KindIndividual))
	st.Close()
	base, logs := startSigningServe(t, dir, db)
	if got := shownCount(t, base+"/"+petitionRef, "petition"); got != 2 {
		t.Errorf("the renamed campaign's first page shows %d signatures, want 2\n%s", got, logs.String())
	}
}
