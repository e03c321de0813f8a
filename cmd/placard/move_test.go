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
	seed(t, st, sig("bay-runners/old-path", "Ann", "ann@example.org", signing.KindIndividual),
		sig("bay-runners/old-path", "Bob", "bob@example.org", signing.KindIndividual),
		sig(petitionRef, "Ann", "ann@example.org", signing.KindIndividual, later))
	move := func(args ...string) (string, string, int) {
		return runCLI(t, append(append([]string{"signatures", "move"}, args...), "--campaigns", signingCampaigns, "--db", db)...)
	}
	out, errs, code := move("bay-runners", "old-path", "light-the-path")
	want := "Moved 2 signatures from bay-runners/old-path to bay-runners/light-the-path; 1 person signed under both names and counts once (the later signature was removed).\n"
	if code != 0 || out != want {
		t.Fatalf("signatures move: exit %d\n%s%s\nwant %q", code, out, errs, want)
	}
	if rows := exportCSV(t, db, petitionRef); len(rows) != 2 {
		t.Errorf("after the move: %d signatures under the new name, want 2", len(rows))
	}
	out, errs, code = move("bay-runners", "old-path", "light-the-path")
	if code != 0 || !strings.Contains(out, "nothing to move") {
		t.Errorf("second signatures move: exit %d\n%s%s", code, out, errs)
	}
	for _, args := range [][]string{
		{"bay-runners", "old-path"},
		{"bay-runners", "Old Name", "light-the-path"},
		{"bay-runners", "old--path", "light-the-path"},
		{"bay-runners", "same", "same"},
		{"bay-runners", "../x", "light-the-path"},
		// A mistyped new name: the rows would be counted on no page and
		// reached by no retention purge.
		{"bay-runners", "old-path", "light-the-pathh"},
		// A live campaign's signatures are its own.
		{"bay-runners", "winter-hours", "light-the-path"},
		{"no-such-org", "old-path", "light-the-path"},
	} {
		out, errs, code := move(args...)
		if code != exitUsage || out != "" || errs == "" {
			t.Errorf("signatures move %q: exit %d, stdout %q, stderr %q; want exit %d with a message", args, code, out, errs, exitUsage)
		}
	}
	if rows := exportCSV(t, db, "bay-runners/light-the-pathh"); len(rows) != 0 {
		t.Errorf("a move to a name no campaign has moved %d signatures", len(rows))
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
