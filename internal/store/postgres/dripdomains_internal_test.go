package postgres

import (
	"context"
	"testing"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// TestDripDomainsGoOnceTheirHourPassed: as SQLite's — a target's
// senders' domain counts went only at its next letter, so after its last
// one the keyed hash of their domains stayed for good. Failed before: the
// row of Moss's letter was still there a day later, after a letter to
// another target.
func TestDripDomainsGoOnceTheirHourPassed(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, migratedDSN(t))
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
	var n int
	if err := db.pool.QueryRow(ctx, `SELECT count(*) FROM outreach_drip_domains WHERE target = 'moss'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("a day after Moss's last letter, %d row(s) of its senders' domains remain; want none", n)
	}
}
