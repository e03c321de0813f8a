package storetest

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store/internal/migrate"
)

// Exec runs one SQL statement on the database behind a Place, outside any
// store: a test's way to make the state another binary would leave.
type Exec func(t *testing.T, stmt string)

// RunNewer checks that Open refuses a database a newer placard upgraded —
// schema_migrations holds a version this binary does not know — with a
// message saying which version, which this binary knows and what to do,
// and that it changes nothing: once the unknown row is gone (the newer
// binary's backup restored, say) the same database opens with its
// signatures. An older binary running on a newer schema could miss or
// block erasures (PostgreSQL's bundles, migration 018) or send what was
// erased.
func RunNewer(t *testing.T, place Place, exec func(t *testing.T) Exec) {
	t.Run("NewerDatabaseRefused", func(t *testing.T) {
		open := place(t)
		run := exec(t)
		s, err := open()
		if err != nil {
			t.Fatalf("open: %v", err)
		}
		add(t, s, Sig("o", "c", "a@example.org"))
		if err := s.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		run(t, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, '999_from_a_newer_placard.sql', '2026-12-05 00:00:00')`)
		s, err = open()
		if err == nil {
			s.Close()
			t.Fatal("open after a newer placard's migration 999: got no error, want a refusal")
		}
		if !errors.Is(err, migrate.ErrNewer) {
			t.Errorf("open: got %v, want migrate.ErrNewer", err)
		}
		for _, want := range []string{"newer version of placard", "999 (999_from_a_newer_placard.sql)", "knows versions up to", "Run the newer placard", "restore the backup"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("open: %q lacks %q", err, want)
			}
		}
		run(t, `DELETE FROM schema_migrations WHERE version = 999`)
		s, err = open()
		if err != nil {
			t.Fatalf("open once the unknown version is gone: %v", err)
		}
		defer s.Close()
		wantCounts(t, s, signing.Count{Org: "o", Campaign: "c", Signatures: 1})
		if got := emails(t, s, "o", "c", ""); !slices.Equal(got, []string{"a@example.org"}) {
			t.Errorf("signatures after the refused open: got %v", got)
		}
	})
}
