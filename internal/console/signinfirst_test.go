package console

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/postgres"
	"github.com/placard/placard/internal/store/postgres/migratedtest"
	"github.com/placard/placard/internal/store/sqlite"
)

// TestSignInMailBeforeTheBacklog: a sign-in link works for 15 minutes,
// but the outbox claims the messages due longest first, so one asked for
// while a campaign's thank-yous wait behind --mail-rate (5 a second: 4,500
// in 15 minutes) waited behind all of them and expired unsent. Now a
// sign-in email is due from long before, and the next claim takes it
// first. Both engines. Failed before: a claim of 4 took 4 of the 40
// emails queued earlier and not the sign-in.
func TestSignInMailBeforeTheBacklog(t *testing.T) {
	for _, eng := range []struct {
		name string
		open func(t *testing.T) store.Outbox
	}{
		{"sqlite", func(t *testing.T) store.Outbox {
			db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "placard.db"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			return db
		}},
		{"postgres", func(t *testing.T) store.Outbox {
			db, err := postgres.Open(context.Background(), migratedtest.DSN(t))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			return db
		}},
	} {
		t.Run(eng.name, func(t *testing.T) {
			ctx := context.Background()
			ob := eng.open(t)
			var backlog []signing.Message
			for range 40 {
				backlog = append(backlog, signing.Message{ID: signing.NewMessageID(), Kind: signing.MessageEmail,
					Email: "signer@example.org", Org: "o", Campaign: "c", Payload: []byte(`{"template":"thanks"}`)})
			}
			if err := ob.Enqueue(ctx, backlog); err != nil {
				t.Fatal(err)
			}
			woken := false
			if err := OutboxMailer(ob, func() { woken = true })(ctx, Letter{To: "organiser@o.example", Lang: "en", Subject: "Sign in", Body: "Your link"}); err != nil {
				t.Fatal(err)
			}
			if !woken {
				t.Error("the worker was not woken")
			}
			es, err := ob.Claim(ctx, "w", 4, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range es {
				if e.Kind == MessageSignIn {
					return
				}
			}
			t.Errorf("a claim of 4 took %d messages, none the sign-in email", len(es))
		})
	}
}
