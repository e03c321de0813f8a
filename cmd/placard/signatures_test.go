package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/postgres"
	"github.com/placard/placard/internal/store/sqlite"
)

// openForTest opens db (a file path or postgres:// URL) with the engine the
// CLI would use, for seeding signatures without a server.
func openForTest(t *testing.T, db string) store.Store {
	t.Helper()
	var (
		st  store.Store
		err error
	)
	if strings.HasPrefix(db, "postgres") {
		st, err = postgres.Open(t.Context(), db)
	} else {
		st, err = sqlite.Open(t.Context(), db)
	}
	if err != nil {
		t.Fatalf("opening %s: %v", db, err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// seed stores sigs in one batch and fails unless every one is inserted.
func seed(t *testing.T, st store.Store, sigs ...*signing.Signature) {
	t.Helper()
	res, err := st.AddSignatures(context.Background(), sigs)
	if err != nil {
		t.Fatalf("AddSignatures: %v", err)
	}
	for i, e := range res {
		if e != nil {
			t.Fatalf("AddSignatures: signature %d: got %v, want nil", i, e)
		}
	}
}

func sig(ref, name, email string, kind signing.Kind, mods ...func(*signing.Signature)) *signing.Signature {
	org, slug, _ := strings.Cut(ref, "/")
	at := time.Date(2026, 11, 1, 9, 30, 0, 0, time.UTC)
	s := &signing.Signature{
		Org: org, Campaign: slug, Action: "petition", Kind: kind, Status: signing.StatusApproved,
		Name: name, Email: email, ConsentText: orgConsent, ConsentAt: at, CreatedAt: at, Lang: "en",
	}
	if kind == signing.KindOrganisation {
		s.Status = signing.StatusPending
		s.Action = "letter"
	}
	for _, m := range mods {
		m(s)
	}
	return s
}

// TestSignaturesCommands runs every signatures command against a store
// seeded directly (no server), on each engine: export as CSV and JSON with
// formula-like cells defused, pending, approve, reject, unknown IDs, erase.
func TestSignaturesCommands(t *testing.T) {
	for _, e := range engines() {
		t.Run(e.name, func(t *testing.T) {
			db := e.db(t)
			st := openForTest(t, db)
			seed(t, st,
				sig(petitionRef, "Ada Lovelace", "ada@example.org", signing.KindIndividual, func(s *signing.Signature) {
					s.Public, s.Postcode, s.Country = true, "BA1 1AA", "GB"
				}),
				sig(petitionRef, "=cmd|' /C calc'!A0", "eq@example.org", signing.KindIndividual, func(s *signing.Signature) {
					s.Comment, s.Phone = "@SUM(1+1)\nsecond line, with a comma", "+44 20 7946 0000"
				}),
				sig(letterRef, "Grace Hopper", "grace@example.org", signing.KindOrganisation, func(s *signing.Signature) {
					s.Organisation, s.Role = "Harbour\tSwim Club", "Secretary"
				}),
				sig(letterRef, "Night Owl", "owl@example.org", signing.KindOrganisation, func(s *signing.Signature) {
					s.Organisation, s.Role = "Night Owls", "Founder"
				}),
				sig(letterRef, "Ada Lovelace", "ada@example.org", signing.KindIndividual, func(s *signing.Signature) { s.Action = "letter" }),
			)

			rows := exportCSV(t, db, petitionRef)
			if len(rows) != 2 {
				t.Fatalf("export: got %d rows, want 2", len(rows))
			}
			want := map[string]string{
				"organisation_slug": "bay-runners", "campaign_slug": "light-the-path", "action": "petition",
				"kind": "individual", "status": "approved", "name": "Ada Lovelace", "email": "ada@example.org",
				"postcode": "BA1 1AA", "country": "GB", "public": "true", "consent_text": orgConsent,
				"consent_at": "2026-11-01T09:30:00Z", "language": "en", "created_at": "2026-11-01T09:30:00Z",
			}
			for col, w := range want {
				if rows[0][col] != w {
					t.Errorf("export %s: got %q, want %q", col, rows[0][col], w)
				}
			}
			for col, w := range map[string]string{
				"name": "'=cmd|' /C calc'!A0", "comment": "'@SUM(1+1)\nsecond line, with a comma",
				"phone": "'+44 20 7946 0000", "public": "false",
			} {
				if rows[1][col] != w {
					t.Errorf("export %s: got %q, want %q (formula-like cells start with ')", col, rows[1][col], w)
				}
			}
			js := exportJSON(t, db, petitionRef)
			if len(js) != 2 || js[1]["name"] != "=cmd|' /C calc'!A0" || js[0]["consent_text"] != orgConsent || js[0]["public"] != true {
				t.Errorf("export --format json: got %v, want both rows with values exactly as stored", js)
			}
			if js := exportJSON(t, db, "bay-runners/nobody-signed"); len(js) != 0 {
				t.Errorf("export --format json of a campaign without signatures: got %v, want []", js)
			}
			if rows := exportCSV(t, db, "bay-runners/nobody-signed"); len(rows) != 0 {
				t.Errorf("export of a campaign without signatures: got %d rows, want only the header", len(rows))
			}

			out, errs, code := runCLI(t, "signatures", "pending", "--campaign", letterRef, "--db", db)
			if code != 0 {
				t.Fatalf("pending: exit %d\n%s", code, errs)
			}
			for _, w := range []string{"ID", "ORGANISATION", "Harbour Swim Club", "Grace Hopper", "Secretary", "grace@example.org", "2026-11-01 09:30", "Night Owls", "2 organisations waiting"} {
				if !strings.Contains(out, w) {
					t.Errorf("pending does not show %q:\n%s", w, out)
				}
			}
			if strings.Contains(out, "Ada") {
				t.Errorf("pending lists an individual:\n%s", out)
			}
			grace, owl := pendingID(t, out, "Harbour Swim Club"), pendingID(t, out, "Night Owls")

			out, errs, code = runCLI(t, "signatures", "approve", grace, "987654321", "--db", db, "--no-webhooks")
			if code != 1 || !strings.Contains(out, "Approved signature "+grace+".") || !strings.Contains(errs, "no signature has ID 987654321") {
				t.Errorf("approve %s 987654321: got exit %d, stdout %q, stderr %q; want %s approved, then exit 1 naming the unknown ID", grace, code, out, errs, grace)
			}
			if out, errs, code = runCLI(t, "signatures", "reject", owl, "--db", db, "--no-webhooks"); code != 0 || out != "Rejected signature "+owl+".\n" {
				t.Errorf("reject %s: got exit %d, stdout %q, stderr %q", owl, code, out, errs)
			}
			out, _, _ = runCLI(t, "signatures", "pending", "--campaign", letterRef, "--db", db)
			if !strings.Contains(out, "No organisations are waiting for approval on "+letterRef) {
				t.Errorf("pending after moderation: got %q, want none waiting", out)
			}
			status := map[string]string{}
			for _, r := range exportCSV(t, db, letterRef) {
				status[r["email"]] = r["kind"] + "/" + r["status"]
			}
			for email, w := range map[string]string{"grace@example.org": "organisation/approved", "owl@example.org": "organisation/rejected", "ada@example.org": "individual/approved"} {
				if status[email] != w {
					t.Errorf("after moderation %s is %q, want %q", email, status[email], w)
				}
			}

			if out, errs, code = runCLI(t, "signatures", "erase", "--email", "  ADA@Example.org ", "--db", db); code != 0 || firstLine(out) != "Removed 2 signatures for ada@example.org\n" {
				t.Errorf("erase: got exit %d, stdout %q, stderr %q; want 'Removed 2 signatures for ada@example.org'", code, out, errs)
			}
			if out, _, code = runCLI(t, "signatures", "erase", "--email", "ada@example.org", "--db", db); code != 0 || out != "Removed 0 signatures for ada@example.org\n" {
				t.Errorf("erase again: got exit %d, stdout %q; want exit 0 and 'Removed 0 signatures for ada@example.org'", code, out)
			}
			if out, _, code = runCLI(t, "signatures", "erase", "--email", "owl@example.org", "--db", db); code != 0 || firstLine(out) != "Removed 1 signature for owl@example.org\n" {
				t.Errorf("erase one: got exit %d, stdout %q; want 'Removed 1 signature for owl@example.org'", code, out)
			}
			for _, ref := range []string{petitionRef, letterRef} {
				for _, r := range exportCSV(t, db, ref) {
					if r["email"] == "ada@example.org" || r["email"] == "owl@example.org" {
						t.Errorf("after erase %s still has %s", ref, r["email"])
					}
				}
			}
		})
	}
}

// TestSignaturesFromEnvironment checks that PLACARD_DB names the database,
// as it does for serve, and that --db wins over it.
func TestSignaturesFromEnvironment(t *testing.T) {
	db := sqliteDB(t)
	seed(t, openForTest(t, db), sig(petitionRef, "Ada", "ada@example.org", signing.KindIndividual))
	var o, e strings.Builder
	err := run(t.Context(), []string{"signatures", "export", "--campaign", petitionRef}, env(map[string]string{"PLACARD_DB": db}), &o, &e)
	if err != nil || !strings.Contains(o.String(), "ada@example.org") {
		t.Errorf("export with PLACARD_DB: got %v, stdout %q, stderr %q; want Ada's row", err, o.String(), e.String())
	}
	o.Reset()
	e.Reset()
	err = run(t.Context(), []string{"signatures", "export", "--campaign", petitionRef, "--db", filepath.Join(t.TempDir(), "other.db")}, env(map[string]string{"PLACARD_DB": db}), &o, &e)
	if exitCode(err) != 1 || !strings.Contains(e.String(), "other.db") {
		t.Errorf("--db over PLACARD_DB: got exit %d, stderr %q; want exit 1 naming other.db", exitCode(err), e.String())
	}
}

func TestDefuseCell(t *testing.T) {
	for in, want := range map[string]string{
		"": "", "Ada": "Ada", "=1+1": "'=1+1", "+44": "'+44", "-2": "'-2", "@SUM(A1)": "'@SUM(A1)",
		"\tx": "'\tx", "\rx": "'\rx", " =x": " =x", "a=b": "a=b",
	} {
		if got := defuseCell(in); got != want {
			t.Errorf("defuseCell(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestSignaturesUsage checks the signatures commands' help and usage errors
// (exit 2) and a missing database (exit 1, nothing created).
func TestSignaturesUsage(t *testing.T) {
	db := filepath.Join(t.TempDir(), "none", "placard.db")
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"signatures"}, 2, "placard signatures export"},
		{[]string{"signatures", "--help"}, 0, "placard signatures erase --email ADDRESS"},
		{[]string{"signatures", "exprot"}, 2, `did you mean "export"`},
		{[]string{"signatures", "export", "--help"}, 0, "--format"},
		{[]string{"signatures", "export", "--db", db}, 2, "--campaign is required"},
		{[]string{"signatures", "export", "--campaign", "just-a-slug", "--db", db}, 2, "ORG/SLUG"},
		{[]string{"signatures", "export", "--campaign", "a/b", "--format", "xml", "--db", db}, 2, "csv or json"},
		{[]string{"signatures", "export", "--campaign", "a/b", "--db", db}, 1, "there is no signature database"},
		{[]string{"signatures", "erase", "--db", db}, 2, "--email is required"},
		{[]string{"signatures", "erase", "--email", "nobody", "--db", db}, 2, "needs an @"},
		{[]string{"signatures", "erase", "--email", "@", "--db", db}, 2, "needs an @"},
		{[]string{"signatures", "erase", "--email", "ann@", "--db", db}, 2, "needs an @"},
		{[]string{"signatures", "erase", "--email", "@example.org", "--db", db}, 2, "needs an @"},
		{[]string{"signatures", "erase", "--email", "a@b.example", "--db", db}, 1, "there is no signature database"},
		{[]string{"signatures", "pending", "--db", db}, 2, "--campaign is required"},
		{[]string{"signatures", "approve", "--db", db}, 2, "at least one signature ID"},
		{[]string{"signatures", "reject", "x7", "--db", db}, 2, `"x7" is not a signature ID`},
		{[]string{"signatures", "approve", "--help"}, 0, "Approve the signatures"},
		{[]string{"signatures", "export", "--campaign", "a/b", "--db", "mysql://x"}, 2, "only postgres://"},
	} {
		out, errs, code := runCLI(t, tc.args...)
		if code != tc.code || !strings.Contains(out+errs, tc.want) {
			t.Errorf("placard %s: got exit %d, output %q; want exit %d and %q", strings.Join(tc.args, " "), code, out+errs, tc.code, tc.want)
		}
	}
	if _, err := os.Stat(filepath.Dir(db)); !os.IsNotExist(err) {
		t.Errorf("the signatures commands created %s; a missing database must not be created", filepath.Dir(db))
	}
	// PLACARD_DB is read like serve reads it.
	var o, e strings.Builder
	err := run(t.Context(), []string{"signatures", "erase", "--email", "a@b.example"}, env(map[string]string{"PLACARD_DB": db}), &o, &e)
	if exitCode(err) != 1 || !strings.Contains(e.String(), db) {
		t.Errorf("PLACARD_DB: got exit %d, stderr %q; want exit 1 naming %s", exitCode(err), e.String(), db)
	}
}

// TestEraseEmailFromStdin: --email - reads the address from standard input
// (one line, trimmed), so it appears in neither the shell history nor the
// process list; an empty line or no input is refused plainly.
func TestEraseEmailFromStdin(t *testing.T) {
	for _, e := range engines() {
		t.Run(e.name, func(t *testing.T) {
			db := e.db(t)
			st := openForTest(t, db)
			seed(t, st, sig(petitionRef, "Ada Lovelace", "ada@example.org", signing.KindIndividual),
				sig(petitionRef, "Grace Hopper", "grace@example.org", signing.KindIndividual))
			for _, c := range []struct {
				in, out string
				code    int
				errs    string
			}{
				{"  ADA@Example.org \r\nnot read\n", "Removed 1 signature for ada@example.org\n", 0, ""},
				{"grace@example.org", "Removed 1 signature for grace@example.org\n", 0, ""},
				{"\n", "", 2, "standard input"},
				{"", "", 2, "standard input"},
				{"nobody\n", "", 2, "needs an @"},
			} {
				stdin = strings.NewReader(c.in)
				out, errs, code := runCLI(t, "signatures", "erase", "--email", "-", "--db", db)
				stdin = os.Stdin
				if code != c.code || firstLine(out) != c.out || !strings.Contains(errs, c.errs) {
					t.Errorf("erase --email - with input %q: got exit %d, stdout %q, stderr %q; want exit %d, stdout %q, stderr containing %q",
						c.in, code, out, errs, c.code, c.out, c.errs)
				}
			}
		})
	}
}

// TestExportContactPermission: exports carry the permission to be contacted
// beside the consent, as its own columns — the exact sentence and when —
// and leave them empty for a signer who did not give it.
func TestExportContactPermission(t *testing.T) {
	for _, e := range engines() {
		t.Run(e.name, func(t *testing.T) {
			db := e.db(t)
			st := openForTest(t, db)
			const text = "Keep me informed about Bay Runners' work."
			at := time.Date(2026, 11, 1, 9, 30, 0, 0, time.UTC)
			seed(t, st,
				sig(petitionRef, "Ada Lovelace", "ada@example.org", signing.KindIndividual, func(s *signing.Signature) {
					s.ContactText, s.ContactAt = text, at
				}),
				sig(petitionRef, "Grace Hopper", "grace@example.org", signing.KindIndividual))
			rows := exportCSV(t, db, petitionRef)
			if len(rows) != 2 {
				t.Fatalf("export: got %d rows, want 2", len(rows))
			}
			if r := rows[0]; r["contact_permission"] != text || r["contact_permission_at"] != "2026-11-01T09:30:00Z" || r["consent_text"] != orgConsent {
				t.Errorf("CSV row with permission: got %q at %q (consent %q), want %q at 2026-11-01T09:30:00Z", r["contact_permission"], r["contact_permission_at"], r["consent_text"], text)
			}
			if r := rows[1]; r["contact_permission"] != "" || r["contact_permission_at"] != "" {
				t.Errorf("CSV row without permission: got %q at %q, want both empty", r["contact_permission"], r["contact_permission_at"])
			}
			js := exportJSON(t, db, petitionRef)
			if len(js) != 2 || js[0]["contact_permission"] != text || js[0]["contact_permission_at"] != "2026-11-01T09:30:00Z" ||
				js[1]["contact_permission"] != "" || js[1]["contact_permission_at"] != "" {
				t.Errorf("JSON export: got %v, want the permission on the first row only", js)
			}
		})
	}
}

// firstLine is s up to and with its first line break: what an erasure
// says it removed, before what it queued to tell the organisations
// (without a campaigns folder, a note for placard serve).
func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i+1]
	}
	return s
}
