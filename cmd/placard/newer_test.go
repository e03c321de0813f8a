package main

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/placard/placard/internal/signing"
)

// TestEraseRefusesNewerDatabase: a database a newer placard upgraded
// (schema_migrations holds a version this binary lacks) is refused by the
// command line with the operator's way out, before anything is erased —
// an older binary would erase without knowing the newer schema, and could
// leave an erased address to be sent later.
func TestEraseRefusesNewerDatabase(t *testing.T) {
	for _, e := range engines() {
		t.Run(e.name, func(t *testing.T) {
			db := e.db(t)
			st := openForTest(t, db)
			seed(t, st, sig(petitionRef, "Ada Lovelace", "ada@example.org", signing.KindIndividual))
			st.Close()
			const stmt = `INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, '999_later.sql', '2026-12-05 00:00:00')`
			if strings.HasPrefix(db, "postgres") {
				c, err := pgx.Connect(context.Background(), db)
				if err != nil {
					t.Fatal(err)
				}
				_, err = c.Exec(context.Background(), stmt)
				c.Close(context.Background())
				if err != nil {
					t.Fatal(err)
				}
			} else {
				c, err := sql.Open("sqlite", db)
				if err != nil {
					t.Fatal(err)
				}
				_, err = c.Exec(stmt)
				c.Close()
				if err != nil {
					t.Fatal(err)
				}
			}
			out, errs, code := runCLI(t, "signatures", "erase", "--email", "ada@example.org", "--db", db)
			if code == 0 || out != "" {
				t.Errorf("signatures erase on a newer database: exit %d, stdout %q; want a refusal", code, out)
			}
			for _, want := range []string{"newer version of placard", "999 (999_later.sql)", "knows versions up to", "restore the backup"} {
				if !strings.Contains(errs, want) {
					t.Errorf("signatures erase on a newer database: stderr %q lacks %q", errs, want)
				}
			}
		})
	}
}
