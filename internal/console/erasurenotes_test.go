package console

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/placard/placard/internal/accounts"
	"github.com/placard/placard/internal/i18n"
	"github.com/placard/placard/internal/outbox"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store/sqlite"
	"github.com/placard/placard/internal/webhook"
)

// TestDashboardErasureNotes: erasure notes are counted apart on the
// dashboard, as what they are — an organisation's own for its editors —
// and those of an organisation the server no longer serves, which wait
// for it or for the operator, are told to a site admin, with what to do.
// Failed before: the notes were counted among the webhooks and emails
// waiting, and nothing told of an organisation no longer served.
func TestDashboardErasureNotes(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "placard.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e := newEnv(t, func(c *Config) { c.Store, c.Outbox = st, st })
	e.st, e.acc = st, st
	note := func(org string) signing.Message {
		return signing.Message{ID: signing.NewMessageID(), Kind: "erasure", Org: org,
			Payload: []byte(`{"erased":"gone@example.org","at":"2026-12-05T16:00:00Z"}`)}
	}
	if err := st.Enqueue(ctx, []signing.Message{note("riverside"), note("riverside"), note("old-org")}); err != nil {
		t.Fatal(err)
	}
	b := e.signIn("riverside", "sam@example.org", accounts.RoleEditor)
	got := doc(t, b.get(Prefix+"/riverside")).Find(".outbox").Text()
	if !strings.Contains(got, "0 waiting") || !strings.Contains(got, "Erasure notices waiting to be sent to your CRM (people erased here, whom the CRM must forget): 2.") {
		t.Errorf("editor's outbox line %q: want the 2 notes counted apart, none among the webhooks and emails", got)
	}
	if strings.Contains(got, "old-org") || strings.Contains(got, "gone@") {
		t.Errorf("editor's outbox line %q tells of another organisation or an address", got)
	}
	admin := e.signIn("", "root@example.org", accounts.RoleSiteAdmin)
	got = doc(t, admin.get(Prefix+"/riverside")).Find(".outbox").Text()
	if !strings.Contains(got, "cannot be sent because this server no longer serves their organisation (old-org): 1.") ||
		!strings.Contains(got, "placard outbox drop --erasure-notes") || strings.Contains(got, "gone@") {
		t.Errorf("site admin's outbox line %q: want old-org's note told, with what to do, without the address", got)
	}
}

// TestDashboardUnservedNotesDropDate: a site admin is told, beside the
// erasure notices of an organisation no longer served, the day serve
// deletes them if it is still not served (30 days after serve first
// found it not served, as recorded), without the address. Failed before:
// nothing said they would ever go.
func TestDashboardUnservedNotesDropDate(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "placard.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e := newEnv(t, func(c *Config) { c.Store, c.Outbox = st, st })
	e.st, e.acc = st, st
	if err := st.Enqueue(ctx, []signing.Message{{ID: signing.NewMessageID(), Kind: "erasure", Org: "old-org",
		Payload: []byte(`{"erased":"gone@example.org","at":"2026-12-05T16:00:00Z"}`)}}); err != nil {
		t.Fatal(err)
	}
	// Found not served tomorrow (after the note was made), as serve
	// records it: deleted 30 days later.
	since := time.Now().Add(24 * time.Hour).UTC()
	if err := st.MarkUnserved(ctx, []string{"old-org"}, since); err != nil {
		t.Fatal(err)
	}
	admin := e.signIn("", "root@example.org", accounts.RoleSiteAdmin)
	got := doc(t, admin.get(Prefix+"/riverside")).Find(".outbox").Text()
	want := "If old-org is still not served on " + i18n.New("en", nil).Date(since.Add(30*24*time.Hour)) + ", its erasure notices are deleted from that day, and its CRM is never told."
	if !strings.Contains(got, want) || strings.Contains(got, "gone@") {
		t.Errorf("site admin's outbox line %q: want %q, without the address", got, want)
	}
}

// TestDashboardDeadNoticesDropDate: an erasure notice the outbox gave up
// on keeps the erased address for the organisation's CRM; its organisers
// are told how many and on which day serve deletes them
// (webhook.DeadNoticeDrop), without the address. Failed before: the
// dashboard counted them among the failed messages and said nothing of
// the address kept, nor until when.
func TestDashboardDeadNoticesDropDate(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "placard.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e := newEnv(t, func(c *Config) { c.Store, c.Outbox = st, st })
	e.st, e.acc = st, st
	made := time.Now()
	notice := signing.Message{ID: signing.NewMessageID(), Kind: signing.MessageWebhook, Org: "riverside",
		Target:  "https://crm.example.org/hook",
		Payload: []byte(`{"type":"signature.erased","data":{"email":"gone@example.org"}}`)}
	if err := st.Enqueue(ctx, []signing.Message{notice}); err != nil {
		t.Fatal(err)
	}
	if es, err := st.Claim(ctx, "w", 10, time.Hour); err != nil || len(es) != 1 {
		t.Fatalf("Claim: %d, %v", len(es), err)
	}
	if err := st.Dead(ctx, notice.ID, "410 gone"); err != nil {
		t.Fatal(err)
	}
	ed := e.signIn("riverside", "ed@example.org", accounts.RoleEditor)
	got := doc(t, ed.get(Prefix+"/riverside")).Find(".outbox").Text()
	date := i18n.New("en", nil).Date(webhook.DeadNoticeDrop(made))
	want := "Erasure notices your CRM never accepted: 1. They keep the erased person's address until " + date
	if !strings.Contains(got, want) || strings.Contains(got, "gone@") {
		t.Errorf("organiser's outbox line %q: want %q, without the address", got, want)
	}
}

// TestDashboardDeadMessagesDropDate: a dead confirmation or letter keeps
// the person's data until serve deletes it (outbox.DeadDrop); its
// organisers are told how many and on which day, without the address,
// apart from the erasure notices' line. Failed before: the dashboard
// counted them among the failed messages and said nothing of the data
// kept, nor until when.
func TestDashboardDeadMessagesDropDate(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "placard.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e := newEnv(t, func(c *Config) { c.Store, c.Outbox = st, st })
	e.st, e.acc = st, st
	made := time.Now()
	confirm := signing.Message{ID: signing.NewMessageID(), Kind: signing.MessageEmail, Org: "riverside", Campaign: "c",
		Email: "signer@example.org", Payload: []byte(`{"to":"signer@example.org"}`)}
	letter := signing.Message{ID: signing.NewMessageID(), Kind: signing.MessageEmail, Org: "riverside", Campaign: "c",
		Email: "writer@example.org", Payload: []byte(`{"reply_to":"writer@example.org","body":"words"}`)}
	if err := st.Enqueue(ctx, []signing.Message{confirm, letter}); err != nil {
		t.Fatal(err)
	}
	if es, err := st.Claim(ctx, "w", 10, time.Hour); err != nil || len(es) != 2 {
		t.Fatalf("Claim: %d, %v", len(es), err)
	}
	for _, id := range []string{confirm.ID, letter.ID} {
		if err := st.Dead(ctx, id, "550 no such user"); err != nil {
			t.Fatal(err)
		}
	}
	ed := e.signIn("riverside", "ed@example.org", accounts.RoleEditor)
	got := doc(t, ed.get(Prefix+"/riverside")).Find(".outbox").Text()
	date := i18n.New("en", nil).Date(outbox.DeadDrop(made))
	want := "Messages that could not be delivered: 2. They keep the personal data they hold (addresses, letters' words) until " + date
	if !strings.Contains(got, want) || strings.Contains(got, "@example.org") || strings.Contains(got, "Erasure notices") {
		t.Errorf("organiser's outbox line %q: want %q, without the addresses nor the erasure notices' line", got, want)
	}
}
