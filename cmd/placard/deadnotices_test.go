package main

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/webhook"
)

// TestDeadErasureNoticesExpire: an erasure notice the outbox gave up on
// (dead) keeps the erased address for its CRM while the operator can
// still retry it or clean the CRM by hand — 'placard outbox list' says
// until when — and serve's daily round deletes it 30 days after its
// tries ended (webhook.DeadNoticeDrop), saying so plainly without the
// address; another dead message, not a notice, goes too (outbox.DeadDrop,
// the same day) under a line of its own. Failed before: no
// round deleted it, and it kept the address for good ("dead notices stay
// in placard outbox list --status dead ... address and all").
func TestDeadErasureNoticesExpire(t *testing.T) {
	for _, e := range engines() {
		t.Run(e.name, func(t *testing.T) {
			ctx := context.Background()
			db := e.db(t)
			st := openForTest(t, db)
			ob := st.(store.Outbox)
			const erased = "gone.person@example.org"
			notice := signing.Message{ID: signing.NewMessageID(), Kind: signing.MessageWebhook, Org: "riverside",
				Target:  "https://crm.example.org/hook",
				Payload: []byte(`{"type":"signature.erased","data":{"email":"` + erased + `"}}`)}
			other := signing.Message{ID: signing.NewMessageID(), Kind: signing.MessageWebhook, Org: "riverside",
				Target: "https://crm.example.org/hook", Email: "kept@example.org",
				Payload: []byte(`{"type":"signature.created","data":{"email":"kept@example.org"}}`)}
			if !webhook.ErasureNotice(notice) || webhook.ErasureNotice(other) {
				t.Fatal("the test's messages are not what they should be")
			}
			made := time.Now()
			if err := ob.Enqueue(ctx, []signing.Message{notice, other}); err != nil {
				t.Fatal(err)
			}
			es, err := ob.Claim(ctx, "w", 10, time.Hour)
			if err != nil || len(es) != 2 {
				t.Fatalf("Claim: %d, %v", len(es), err)
			}
			for _, e := range es {
				if err := ob.Dead(ctx, e.ID, "410 gone"); err != nil {
					t.Fatal(err)
				}
			}
			drop := webhook.DeadNoticeDrop(made)
			out, errs, code := runCLI(t, "outbox", "list", "--status", "dead", "--db", db)
			if want := "deleted " + drop.UTC().Format(time.DateOnly); code != 0 || !strings.Contains(out, want) {
				t.Errorf("outbox list does not say when the dead notice goes (want %q): %d\n%s%s", want, code, out, errs)
			}
			logs := &lockedBuffer{}
			log := slog.New(slog.NewTextHandler(logs, nil))
			dropDeadNotices(ctx, st, drop.Add(-2*time.Hour), log)
			if got := ids(t, ob); len(got) != 2 {
				t.Fatalf("before its day: %d dead messages left, want both", len(got))
			}
			dropDeadNotices(ctx, st, drop.Add(2*time.Hour), log)
			if got := ids(t, ob); len(got) != 0 {
				t.Errorf("after its day: %v left, want none (TestDeadMessagesExpire: the other dead message goes too)", got)
			}
			if !strings.Contains(logs.String(), "deleted 1 undelivered erasure notice of organisation riverside") || !strings.Contains(logs.String(), "erase those people there by hand") {
				t.Errorf("the round did not say plainly what it deleted:\n%s", logs.String())
			}
			// The other dead message is told apart, without the notice's
			// wording: its CRM need not be cleaned by hand.
			if !strings.Contains(logs.String(), "deleted 1 undelivered webhook event of organisation riverside") {
				t.Errorf("the round did not tell the other dead message apart:\n%s", logs.String())
			}
			if strings.Contains(logs.String(), erased) {
				t.Errorf("the log holds the erased address:\n%s", logs.String())
			}
		})
	}
}

func ids(t *testing.T, ob store.Outbox) (out []string) {
	t.Helper()
	es, err := ob.List(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		out = append(out, e.ID)
	}
	return out
}
