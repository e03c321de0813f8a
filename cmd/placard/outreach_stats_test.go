package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/placard/placard/internal/store"
)

// TestStatsOutreach: calls and emails counted for a campaign appear in
// placard stats, as a table and in the JSON export, per target and outcome.
func TestStatsOutreach(t *testing.T) {
	db := sqliteDB(t)
	ctx := context.Background()
	st, err := openServeStore(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	for _, e := range []store.OutreachEvent{
		{Org: "northgate", Campaign: "kestrel", Action: "call", Target: "moss", Kind: "call", Outcome: "staff", At: at},
		{Org: "northgate", Campaign: "kestrel", Action: "call", Target: "moss", Kind: "call", Outcome: "staff", At: at},
		{Org: "northgate", Campaign: "kestrel", Action: "call", Target: "lind", Kind: "call", Outcome: "voicemail", At: at},
		{Org: "northgate", Campaign: "kestrel", Action: "call", Target: "lind", Kind: "email", Outcome: "sent", At: at},
	} {
		if err := st.(store.Outreach).RecordOutreach(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	out, errs, code := runCLI(t, "stats", "northgate/kestrel", "--db", db)
	want := `Calls and emails to decision-makers

Action/target  Kind   Outcome      Count
call/lind      call   voicemail        1
call/lind      email  sent             1
call/moss      call   staff            2
Total          3 calls, 1 emails
`
	if code != 0 || !strings.Contains(out, want) {
		t.Errorf("stats: exit %d\n%s%s\nwant it to contain\n%s", code, out, errs, want)
	}
	out, _, code = runCLI(t, "stats", "northgate/kestrel", "--format", "json", "--db", db)
	if code != 0 || !strings.Contains(out, `"outreach": [`) || !strings.Contains(out, `"target": "moss",
      "kind": "call",
      "outcome": "staff",
      "count": 2`) {
		t.Errorf("stats --format json:\n%s", out)
	}
}

// TestStatsOutreachHeld: letters turned away because a decision-maker's
// queue held a day already (store.OutcomeHeld) are told apart in placard
// stats, not counted among the emails sent, with what the organiser can do.
func TestStatsOutreachHeld(t *testing.T) {
	db := sqliteDB(t)
	ctx := context.Background()
	st, err := openServeStore(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	for _, outcome := range []string{store.OutcomeQueued, store.OutcomeHeld, store.OutcomeHeld} {
		if err := st.(store.Outreach).RecordOutreach(ctx, store.OutreachEvent{Org: "northgate", Campaign: "kestrel", Action: "write",
			Target: "moss", Kind: store.OutreachEmail, Outcome: outcome, At: at}); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	out, errs, code := runCLI(t, "stats", "northgate/kestrel", "--db", db)
	for _, want := range []string{"write/moss     email  held             2", "Total          0 calls, 1 emails", "Letters held back: 2.", "Raise per_hour"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("stats: exit %d\n%s%s\nwant it to contain %q", code, out, errs, want)
		}
	}
}

// TestStatsConfirmationsUnsent: confirmations given up unsent for want
// of their inbox's turn (store.MailPace.NoteUnsent) are told in placard
// stats, in the table and the JSON, for their campaign only.
func TestStatsConfirmationsUnsent(t *testing.T) {
	db := sqliteDB(t)
	ctx := context.Background()
	st, err := openServeStore(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"kestrel", "kestrel", "other"} {
		if err := st.(store.MailPace).NoteUnsent(ctx, "northgate", c); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	out, errs, code := runCLI(t, "stats", "northgate/kestrel", "--db", db)
	if code != 0 || !strings.Contains(out, "Confirmation emails never sent: 2.") {
		t.Errorf("stats: exit %d\n%s%s\nwant the 2 confirmations never sent", code, out, errs)
	}
	out, _, code = runCLI(t, "stats", "northgate/kestrel", "--format", "json", "--db", db)
	if code != 0 || !strings.Contains(out, `"confirmations_unsent": 2`) {
		t.Errorf("stats --format json:\n%s", out)
	}
}

// TestStatsSignaturesRefused: signatures the database refused as sent
// (store.Refusals.NoteRefused) are told in placard stats, in the table
// and the JSON, for their campaign only, with what to do. Before, they
// were counted nowhere an operator looks.
func TestStatsSignaturesRefused(t *testing.T) {
	db := sqliteDB(t)
	ctx := context.Background()
	st, err := openServeStore(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"kestrel", "kestrel", "kestrel", "other"} {
		if err := st.(store.Refusals).NoteRefused(ctx, "northgate", c); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	out, errs, code := runCLI(t, "stats", "northgate/kestrel", "--db", db)
	if code != 0 || !strings.Contains(out, "Signatures refused as sent: 3.") || !strings.Contains(out, "placard check") {
		t.Errorf("stats: exit %d\n%s%s\nwant the 3 signatures refused and what to do", code, out, errs)
	}
	out, _, code = runCLI(t, "stats", "northgate/kestrel", "--format", "json", "--db", db)
	if code != 0 || !strings.Contains(out, `"signatures_refused": 3`) {
		t.Errorf("stats --format json:\n%s", out)
	}
	out, _, code = runCLI(t, "stats", "northgate/quiet", "--db", db)
	if code != 0 || strings.Contains(out, "refused") {
		t.Errorf("stats of a campaign with none refused:\n%s", out)
	}
}

// TestStatsBotsTurnedAway: sign forms caught by the form's trap
// (store.Traps) are told in placard stats as bots turned away, in the
// text and the JSON, for their campaign only. Before, nothing counted
// them.
func TestStatsBotsTurnedAway(t *testing.T) {
	db := sqliteDB(t)
	ctx := context.Background()
	st, err := openServeStore(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.(store.Traps).AddBatch(ctx, nil, []store.Caught{{Org: "northgate", Campaign: "kestrel", N: 4},
		{Org: "northgate", Campaign: "other", N: 1}}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	out, errs, code := runCLI(t, "stats", "northgate/kestrel", "--db", db)
	if code != 0 || !strings.Contains(out, "Bots turned away: 4.") || !strings.Contains(out, "Nothing to do.") {
		t.Errorf("stats: exit %d\n%s%s\nwant the 4 bots turned away", code, out, errs)
	}
	out, _, code = runCLI(t, "stats", "northgate/kestrel", "--format", "json", "--db", db)
	if code != 0 || !strings.Contains(out, `"bots_turned_away": 4`) {
		t.Errorf("stats --format json:\n%s", out)
	}
	out, _, code = runCLI(t, "stats", "northgate/quiet", "--db", db)
	if code != 0 || strings.Contains(out, "Bots") {
		t.Errorf("stats of a campaign with no bot turned away:\n%s", out)
	}
}
