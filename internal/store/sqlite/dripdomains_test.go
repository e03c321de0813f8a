package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/sqlite"
)

// TestDripDomainsGoOnceTheirHourPassed: a letter's domain count
// (outreach_drip_domains: a keyed hash of the sender's email domain, per
// decision-maker and slot hour) is promised to go once its hour has passed
// (docs/security.md), but went only when the same decision-maker got
// another letter: after a target's last letter — a campaign over, or the
// supporter erased — the hash of their (perhaps personal) domain stayed
// for good. Failed before: the row of Moss's letter was still there a day
// later, after a letter to another target.
func TestDripDomainsGoOnceTheirHourPassed(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "placard.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	at := time.Date(2026, 3, 2, 9, 15, 0, 0, time.UTC)
	queue := func(target, sender string, at time.Time) {
		t.Helper()
		if _, err := db.QueueTargetMail(ctx, store.TargetMailing{Org: "o", Campaign: "c", Action: "write", Target: target,
			Sender: sender, PerHour: 10, At: at, Messages: []signing.Message{{ID: signing.NewMessageID(), Kind: signing.MessageEmail,
				Email: sender, Org: "o", Campaign: "c", Payload: []byte(`{"to":"` + target + `@legislature.example"}`)}}}); err != nil {
			t.Fatal(err)
		}
	}
	queue("moss", "jane@janedoe.example", at)
	queue("lind", "bo@example.org", at.Add(26*time.Hour))
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var n int
	if err := raw.QueryRow(`SELECT count(*) FROM outreach_drip_domains WHERE target = 'moss'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("a day after Moss's last letter, %d row(s) of its senders' domains remain; want none", n)
	}
}
