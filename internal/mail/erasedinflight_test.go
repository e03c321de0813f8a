package mail_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/placard/placard/internal/mail"
	"github.com/placard/placard/internal/outbox"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store/sqlite"
)

// TestErasedWhileInFlight: instance A's worker has claimed ada's
// confirmation and is about to send it (waiting here for the relay's one
// connection, as under --mail-connections); instance B, on the same
// database, erases ada. The erasure deletes the claimed row, but A held
// the message in memory. Failed before: once the connection was free, A
// sent ada the email after her erasure. Now the sender asks, at the last
// moment before the SMTP conversation, whether its claim still stands
// (outbox.StillHeld), and the erased message goes to no one, with nothing
// recorded; bob's, claimed beside it, still goes.
func TestErasedWhileInFlight(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "placard.db")
	open := func() *sqlite.DB {
		db, err := sqlite.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	a, b := open(), open()
	r, _ := renderer(t)
	srv, s := localRelay(t, 1)
	// Another email holds the relay's one connection.
	release := srv.HoldData()
	defer release()
	first := make(chan error, 1)
	go func() {
		first <- s.Send(context.Background(), mail.Message{ID: "first", To: "first@example.net", Subject: "s", Text: "t"})
	}()
	defer func() { release(); <-first }()
	for srv.MaxOpen() < 1 {
		time.Sleep(time.Millisecond) // a state the relay reaches
	}
	signed := time.Now().UnixMicro()
	confirm := func(to string) signing.Message {
		return mail.NewMessage(mail.Payload{Template: mail.TemplateConfirm, Lang: "en", Org: "northgate-tenants",
			Campaign: "tell-the-courier", To: to, Days: 7, Signed: signed})
	}
	ada, bob := confirm("ada@example.org"), confirm("bob@example.org")
	if err := a.Enqueue(ctx, []signing.Message{ada, bob}); err != nil {
		t.Fatal(err)
	}
	w := outbox.NewWorker(a, map[string]outbox.Deliverer{signing.MessageEmail: &mail.Deliverer{Renderer: r, Sender: s}},
		outbox.Options{Name: "instance-a", Timeout: time.Minute})
	done := make(chan error, 1)
	go func() {
		_, err := w.Once(ctx)
		done <- err
	}()
	for {
		held, err := b.Held(ctx, "instance-a", ada.ID)
		if err != nil {
			t.Fatal(err)
		}
		if held {
			break
		}
		time.Sleep(time.Millisecond) // until A has claimed it
	}
	if _, err := b.Erase(ctx, "ada@example.org"); err != nil {
		t.Fatal(err)
	}
	release()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	var to []string
	for _, m := range srv.Mails() {
		to = append(to, m.To...)
	}
	got := strings.Join(to, " ")
	if strings.Contains(got, "ada@example.org") {
		t.Errorf("the relay received %s: ada was emailed after her erasure", got)
	}
	if !strings.Contains(got, "bob@example.org") {
		t.Errorf("the relay received %s, not bob's confirmation claimed beside ada's", got)
	}
	all, err := a.List(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range all {
		if e.Email == "ada@example.org" {
			t.Errorf("an outbox row keeps the erased address: %+v", e)
		}
	}
	if len(all) != 0 {
		t.Errorf("the outbox holds %d messages after the round, want none: %+v", len(all), all)
	}
}
