package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/placard/placard/internal/signing"
)

// TestExportSyncOptions: --all, --since, --status, --excel and --format
// osdi, the options a CRM sync needs.
func TestExportSyncOptions(t *testing.T) {
	db := sqliteDB(t)
	st := openForTest(t, db)
	later := func(s *signing.Signature) {
		s.CreatedAt = time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
		s.ContactText, s.ContactAt = "Keep me posted.", s.CreatedAt
	}
	seed(t, st,
		sig(petitionRef, "Ada Lovelace", "ada@example.org", signing.KindIndividual),
		sig(petitionRef, "ليلى حداد", "layla@example.org", signing.KindIndividual, later),
		sig(letterRef, "Grace Hopper", "grace@example.org", signing.KindOrganisation), // pending
		sig(letterRef, "Mary Somerville", "mary@example.org", signing.KindIndividual, func(s *signing.Signature) { s.Action = "letter" }),
		sig("other-org/x", "Not Theirs", "no@example.org", signing.KindIndividual),
	)
	export := func(args ...string) (string, string) {
		t.Helper()
		out, errs, code := runCLI(t, append([]string{"signatures", "export", "--db", db}, args...)...)
		if code != 0 {
			t.Fatalf("export %v: exit %d\n%s", args, code, errs)
		}
		return out, errs
	}
	emails := func(out string) string {
		var rows []map[string]any
		if err := json.Unmarshal([]byte(out), &rows); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, out)
		}
		var es []string
		for _, r := range rows {
			es = append(es, r["email"].(string))
		}
		return strings.Join(es, ",")
	}
	out, errs := export("--all", "bay-runners", "--format", "json")
	if got := emails(out); got != "mary@example.org,ada@example.org,layla@example.org" { // campaigns in name order
		t.Errorf("--all bay-runners: got %s, want both campaigns' signatures, the pending one left out", got)
	}
	if !strings.Contains(errs, "Exported 3 signatures from 2 campaigns of bay-runners.") {
		t.Errorf("--all: stderr %q", errs)
	}
	if out, _ := export("--all", "bay-runners", "--format", "json", "--status", "pending"); emails(out) != "grace@example.org" {
		t.Errorf("--status pending: got %s", emails(out))
	}
	if out, _ := export("--all", "bay-runners", "--format", "json", "--status", "all"); len(strings.Split(emails(out), ",")) != 4 {
		t.Errorf("--status all: got %s", emails(out))
	}
	if out, _ := export("--all", "bay-runners", "--format", "json", "--since", "2026-11-10"); emails(out) != "layla@example.org" {
		t.Errorf("--since 2026-11-10: got %s", emails(out))
	}
	if out, _ := export("--campaign", petitionRef, "--format", "json", "--since", "2026-11-20T08:00:00Z"); emails(out) != "layla@example.org" {
		t.Errorf("--since a time: got %s", emails(out))
	}
	out, _ = export("--campaign", petitionRef, "--excel")
	if !strings.HasPrefix(out, "\ufeffid,") || !strings.Contains(out, "ليلى حداد") {
		t.Errorf("--excel: got %q, want a byte-order mark, then the header, and the Arabic name intact", out[:min(len(out), 40)])
	}
	if !strings.Contains(out, "contact_permission") || !strings.Contains(out, "Keep me posted.") {
		t.Errorf("--excel: no permission-to-contact column:\n%s", out)
	}
	out, _ = export("--campaign", petitionRef, "--format", "osdi", "--since", "2026-11-20")
	var osdi []map[string]any
	if err := json.Unmarshal([]byte(out), &osdi); err != nil || len(osdi) != 1 {
		t.Fatalf("--format osdi: %v\n%s", err, out)
	}
	person := osdi[0]["person"].(map[string]any)
	if person["given_name"] != "ليلى" || person["family_name"] != "حداد" ||
		person["email_addresses"].([]any)[0].(map[string]any)["address"] != "layla@example.org" ||
		osdi[0]["custom_fields"].(map[string]any)["contact_permission"] != true || osdi[0]["created_date"] != "2026-11-20T08:00:00Z" {
		t.Errorf("--format osdi: got %s", out)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--all", "bay-runners", "--campaign", petitionRef}, "not both"},
		{[]string{"--all", "a/b"}, "organisation"},
		{[]string{"--campaign", petitionRef, "--since", "yesterday"}, "not a time"},
		{[]string{"--campaign", petitionRef, "--status", "aproved"}, "approved"},
		{[]string{"--campaign", petitionRef, "--excel", "--format", "json"}, "--excel is for"},
		{[]string{"--campaign", petitionRef, "--format", "xml"}, "osdi"},
	} {
		_, errs, code := runCLI(t, append([]string{"signatures", "export", "--db", db}, c.args...)...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("export %v: exit %d, want 2 with %q\n%s", c.args, code, c.want, errs)
		}
	}
}
