package mail_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/placard/placard/internal/mail"
	"github.com/placard/placard/internal/outbox"
)

// sendNothing fails the test if anything is sent.
type sendNothing struct{ t *testing.T }

func (s sendNothing) Send(context.Context, mail.Message) error {
	s.t.Error("an email was sent")
	return nil
}

// TestNotLoadedTriedAgain: with Renderer.Loaded set, an email naming a
// campaign the files lack is tried again (mail.ErrNotLoaded) when it was
// queued after they were read — another instance's newer files may have
// the campaign — and given up as gone, as before, when it was queued
// before them (a campaign removed) or mail.NotLoadedFor ago.
func TestNotLoadedTriedAgain(t *testing.T) {
	ctx := context.Background()
	r, _ := renderer(t)
	now := time.Now()
	loaded := now.Add(-10 * time.Minute)
	r.Now = func() time.Time { return now }
	r.Loaded = func() time.Time { return loaded }
	d := &mail.Deliverer{Renderer: r, Sender: sendNothing{t}}
	for _, tmpl := range []string{mail.TemplateConfirm, mail.TemplateThanks} {
		m := mail.NewMessage(mail.Payload{Template: tmpl, Lang: "en", Org: "northgate-tenants", Campaign: "a-letter-added-since",
			To: "ada@example.org", Days: 7, Signed: now.UnixMicro()})
		now, loaded = time.Now(), time.Now().Add(-10*time.Minute)
		if err := d.Deliver(ctx, m); !errors.Is(err, mail.ErrNotLoaded) || outbox.IsPermanent(err) {
			t.Errorf("%s queued after the files were read: %v, want ErrNotLoaded, tried again", tmpl, err)
		}
		loaded = now.Add(2 * time.Minute) // read after it was queued: removed
		if err := d.Deliver(ctx, m); !errors.Is(err, mail.ErrGone) || !outbox.IsPermanent(err) {
			t.Errorf("%s queued before the files were read: %v, want ErrGone for good", tmpl, err)
		}
		loaded, now = now.Add(-10*time.Minute), now.Add(mail.NotLoadedFor)
		if err := d.Deliver(ctx, m); !errors.Is(err, mail.ErrGone) || !outbox.IsPermanent(err) {
			t.Errorf("%s still without its campaign %v on: %v, want ErrGone for good", tmpl, mail.NotLoadedFor, err)
		}
	}
	// Without Loaded, as before: gone at once.
	r.Loaded, now = nil, time.Now()
	m := mail.NewMessage(mail.Payload{Template: mail.TemplateThanks, Lang: "en", Org: "an-organisation-added-since", Campaign: "x", To: "ada@example.org"})
	if err := d.Deliver(ctx, m); !outbox.IsPermanent(err) {
		t.Errorf("without Loaded: %v, want gone for good", err)
	}
}
