package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/placard/placard/internal/store"
)

// TestDataPageRemovedCampaign: a supporter signed a petition whose file
// was later removed, and its name given to another campaign; their
// signature is kept apart (store.Removals). Their own data page still
// shows it, named as a campaign since removed, with no link: the page at
// its old address is another campaign's, and its kept-apart name has no
// page at all. It failed before: the entry was titled
// "save-the-library~removed-…" and linked to an address that answers 404.
func TestDataPageRemovedCampaign(t *testing.T) {
	st := openSQLite(t)
	e := newMailEnv(t, st, signFiles(t))
	v := e.formValues(t, libraryPage, "petition-form")
	v.Set("comment", "")
	e.clock.add(5 * time.Second)
	wantStatus(t, e.post(t, libraryPage+"/sign", v, nil), 303)
	link := e.dataLinkVia(t, e.deliver(t, 1)[0])

	ctx := context.Background()
	rm := st.(store.Removals)
	at := time.Now()
	if _, err := rm.RecordRemoved(ctx, "riverside", "save-the-library", "", at, 0, at); err != nil {
		t.Fatal(err)
	}
	k, err := rm.KeepApart(ctx, "riverside", "save-the-library", "", at.Add(time.Second), at.Add(time.Second))
	if err != nil || k.Signatures != 1 {
		t.Fatalf("KeepApart: %+v, %v; want the signature kept apart", k, err)
	}
	d := doc(t, get(t, e.s, "GET", link, nil))
	entry := d.Find("section.data-signature h2")
	if entry.Length() != 1 {
		t.Fatalf("data page: %d signatures shown, want 1", entry.Length())
	}
	if text := entry.Text(); text != "save-the-library (a campaign since removed)" {
		t.Errorf("the removed campaign's signature is titled %q", text)
	}
	if entry.Find("a").Length() != 0 {
		t.Errorf("the removed campaign's signature links to %q, want no link", entry.Find("a").AttrOr("href", ""))
	}
	if strings.Contains(d.Text(), "~removed") {
		t.Error("the data page shows the kept-apart name")
	}
}
