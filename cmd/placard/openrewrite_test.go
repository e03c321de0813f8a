package main

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/placard/placard/internal/accounts"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/sqlite"
)

// TestMergedRoleLoggedAndRestored: an organisation held an editor
// account under the A-label spelling of an address an earlier version
// kept, and a viewer account under the Unicode one (the editor demoted
// there on purpose, say). Opening the database merges them keeping the
// viewer role — least privilege; failed before: the editor role was
// kept — and serve's log says so in one warning without the address,
// naming the command that gives the role back, which then works.
func TestMergedRoleLoggedAndRestored(t *testing.T) {
	const annA, annU = "ann@xn--bcher-kva.example", "ann@bücher.example"
	ctx := context.Background()
	db := sqliteDB(t)
	s, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range []accounts.Organiser{{Org: "riverside", Email: annA, Role: accounts.RoleEditor},
		{Org: "riverside", Email: annU, Role: accounts.RoleViewer}} {
		if err := s.AddOrganiser(ctx, &o); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, err = sqlite.Open(ctx, db) // the late-row look finds the A-label and merges
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	logOpenRewrite(s, slog.New(slog.NewTextHandler(&buf, nil)))
	if r := s.OpenRewrite(); r.Merged != 1 || r.RolesLowered != 1 {
		t.Errorf("OpenRewrite: %+v, want one account merged with its role lowered", r)
	}
	o, err := s.FindOrganiser(ctx, "riverside", annU)
	if err != nil || o.Role != accounts.RoleViewer {
		t.Errorf("after the merge: %+v, %v; want the viewer", o, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	got := buf.String()
	if n := strings.Count(got, "level=WARN"); n != 1 || !strings.Contains(got, "roles_lowered=1") ||
		!strings.Contains(got, "placard organisers role") {
		t.Errorf("log: got %d warnings, want one with roles_lowered=1 naming the command:\n%s", n, got)
	}
	if strings.Contains(got, "ann@") || strings.Contains(got, "bücher") || strings.Contains(got, "xn--") {
		t.Errorf("log holds the address:\n%s", got)
	}

	// A site admin gives the role back, by either spelling.
	if _, errs, code := runCLI(t, "organisers", "role", "riverside", annA, "--role", "editor", "--db", db); code != 0 {
		t.Fatalf("organisers role: exit %d\n%s", code, errs)
	}
	if out, _, _ := runCLI(t, "organisers", "list", "--db", db); !strings.Contains(out, "riverside\t"+annU+"\teditor") {
		t.Errorf("organisers list after restoring: want %s editor\n%s", annU, out)
	}
	// A later start has nothing to say.
	s, err = sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	buf.Reset()
	logOpenRewrite(s, slog.New(slog.NewTextHandler(&buf, nil)))
	if buf.Len() != 0 || s.OpenRewrite() != (store.RenormaliseResult{}) {
		t.Errorf("second start: %+v, logged %q; want nothing", s.OpenRewrite(), buf.String())
	}
}
