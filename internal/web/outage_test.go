package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/postgres"
	"github.com/placard/placard/internal/store/postgres/migratedtest"
	"github.com/placard/placard/internal/store/sqlite"
	"github.com/placard/placard/internal/store/storetest"
)

// TestSignDiskFull (attack8): signers arriving together while the SQLite
// database's disk is full are each answered 503 with Retry-After and their
// form back — never 303, never a 500 — pages are still served, and once
// space comes back the same server stores the next signatures without a
// restart; every signature answered 303 is stored, and none answered 503
// is.
func TestSignDiskFull(t *testing.T) {
	dir := tinyDisk(t)
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "placard.db"))
	if err != nil {
		t.Fatalf("opening SQLite: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	e := newSignEnv(t, st, nil)
	const signers = 12
	forms := make([]url.Values, signers+4)
	for i := range forms {
		forms[i] = e.formValues(t, libraryPage, "petition-form")
		e.clock.add(time.Second) // a token of its own
	}
	e.clock.add(5 * time.Second)

	filler := fill(t, dir)
	var wg sync.WaitGroup
	codes := make([]int, signers)
	retry := make([]string, signers)
	bodies := make([]string, signers)
	for i := range signers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := forms[i]
			w.Set("email", fmt.Sprintf("full%d@example.org", i))
			res := e.post(t, libraryPage+"/sign", w, nil)
			codes[i], retry[i] = res.StatusCode, res.Header.Get("Retry-After")
			bodies[i] = body(t, res)
		}()
	}
	wg.Wait()
	for i := range signers {
		if codes[i] != http.StatusServiceUnavailable || retry[i] == "" {
			t.Errorf("signer %d with the disk full: %d, Retry-After %q; want 503 with Retry-After", i, codes[i], retry[i])
		}
		if !strings.Contains(bodies[i], fmt.Sprintf("full%d@example.org", i)) {
			t.Errorf("signer %d: the 503 does not give back what was typed", i)
		}
		if strings.Contains(bodies[i], dir) || strings.Contains(bodies[i], "goroutine") {
			t.Errorf("signer %d: the 503 shows a path or a stack", i)
		}
	}
	// Reads go on.
	wantStatus(t, get(t, e.s, "GET", libraryPage, nil), 200)
	if c := e.count(t, "riverside", "save-the-library"); c.Signatures != 0 {
		t.Errorf("with the disk full: %d signatures stored, want 0 (none was acknowledged)", c.Signatures)
	}

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		w := forms[signers+i]
		w.Set("email", fmt.Sprintf("after%d@example.org", i))
		res := e.post(t, libraryPage+"/sign", w, nil)
		if res.StatusCode != 303 {
			t.Fatalf("signer %d after space came back: %d %s", i, res.StatusCode, body(t, res))
		}
	}
	// One of the refused signers presses the button again (the form the
	// 503 gave back holds the same token): kept.
	w := forms[0]
	w.Set("email", "full0@example.org")
	wantStatus(t, e.post(t, libraryPage+"/sign", w, nil), 303)
	var stored []string
	if err := e.st.Signatures(context.Background(), "riverside", "save-the-library", signing.StatusApproved, func(s *signing.Signature) error {
		stored = append(stored, s.Email)
		return nil
	}); err != nil {
		t.Fatalf("Signatures: %v", err)
	}
	if len(stored) != 4 {
		t.Errorf("after space came back: stored %q, want the 4 acknowledged", stored)
	}
}

// TestOutboxDiskFull (attack8): the outbox on a SQLite database whose
// disk fills while a worker holds claims. Claims and reports fail with
// an error (no panic, nothing half-done), the background checkpointer
// runs through it, and once space comes back every message not reported
// done is claimed again — none is lost, and a message whose Done went
// through is not handed out again.
func TestOutboxDiskFull(t *testing.T) {
	ctx := context.Background()
	dir := tinyDisk(t)
	st, err := sqlite.Open(ctx, filepath.Join(dir, "placard.db"))
	if err != nil {
		t.Fatalf("opening SQLite: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	const n = 40
	all := map[string]bool{}
	for i := range n {
		email := fmt.Sprintf("s%d@example.org", i)
		sig := storetest.Sig("o", "c", email)
		sig.Outbox = []signing.Message{storetest.Msg("o", "c", email)}
		all[sig.Outbox[0].ID] = true
		if _, err := st.AddSignatures(ctx, []*signing.Signature{sig}); err != nil {
			t.Fatal(err)
		}
	}
	const lease = 50 * time.Millisecond
	held, err := st.Claim(ctx, "w1", 10, lease)
	if err != nil || len(held) != 10 {
		t.Fatalf("Claim with room: %d, %v; want 10", len(held), err)
	}

	filler := fill(t, dir)
	// The worker delivered what it held and reports it; with the disk
	// full the report fails, and outbox.Worker only logs it: the lease
	// runs out and the messages are delivered again (at least once, as
	// store.Outbox promises).
	doneErr := st.Done(ctx, ids(held)...)
	for range 5 { // claims while full: an error or (from the WAL's room) messages
		if _, err := st.Claim(ctx, "w2", 10, lease); err != nil && !strings.Contains(err.Error(), "full") {
			t.Errorf("Claim with the disk full: %v; want the disk named full", err)
		}
	}
	// Let the checkpointer (every 200 ms) meet the full disk.
	time.Sleep(500 * time.Millisecond)
	if err := st.Ready(ctx); err == nil {
		t.Errorf("Ready with the disk full: nil, want an error")
	}

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	if err := st.Ready(ctx); err != nil {
		t.Fatalf("Ready once space came back: %v", err)
	}
	if doneErr == nil {
		for _, e := range held {
			delete(all, e.ID)
		}
	}
	time.Sleep(2 * lease) // every lease taken while full runs out
	got := map[string]bool{}
	for {
		es, err := st.Claim(ctx, "w3", 100, time.Hour)
		if err != nil {
			t.Fatalf("Claim once space came back: %v", err)
		}
		if len(es) == 0 {
			break
		}
		for _, e := range es {
			got[e.ID] = true
		}
		if err := st.Done(ctx, ids(es)...); err != nil {
			t.Fatalf("Done once space came back: %v", err)
		}
	}
	for id := range all {
		if !got[id] {
			t.Errorf("message %s lost across the full disk", id)
		}
	}
	if doneErr == nil {
		for _, e := range held {
			if got[e.ID] {
				t.Errorf("message %s reported done while full was handed out again", e.ID)
			}
		}
	}
	t.Logf("Done while full: %v; claimed after: %d of %d", doneErr, len(got), n)
}

func ids(es []store.OutboxEntry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.ID
	}
	return out
}

// TestSignReadOnlyDatabase (attack8): a PostgreSQL database that answers
// read-only (a standby after a failover, or one an operator locked)
// makes every signature 503 with Retry-After and its form back, never a
// 500 or a 303, with nothing stored; pages are still served; once it
// takes writes again the same server stores signatures.
func TestSignReadOnlyDatabase(t *testing.T) {
	ctx := context.Background()
	dsn := migratedtest.DSN(t)
	st, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("opening PostgreSQL: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	e := newSignEnv(t, st, nil)
	forms := make([]url.Values, 4)
	for i := range forms {
		forms[i] = e.formValues(t, libraryPage, "petition-form")
		forms[i].Set("email", fmt.Sprintf("ro%d@example.org", i))
		e.clock.add(time.Second)
	}
	e.clock.add(5 * time.Second)

	setReadOnly(t, dsn, true)
	for i := range 3 {
		res := e.post(t, libraryPage+"/sign", forms[i], nil)
		b := body(t, res)
		if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" ||
			!strings.Contains(b, fmt.Sprintf("ro%d@example.org", i)) {
			t.Errorf("signer %d on a read-only database: %d, Retry-After %q; want 503 with Retry-After and the form back",
				i, res.StatusCode, res.Header.Get("Retry-After"))
		}
	}
	wantStatus(t, get(t, e.s, "GET", libraryPage, nil), 200)
	if c := e.count(t, "riverside", "save-the-library"); c.Signatures != 0 {
		t.Errorf("read-only: %d signatures stored, want 0", c.Signatures)
	}

	setReadOnly(t, dsn, false)
	for _, i := range []int{0, 3} {
		res := e.post(t, libraryPage+"/sign", forms[i], nil)
		if res.StatusCode != 303 {
			t.Fatalf("signer %d once writable: %d, want 303", i, res.StatusCode)
		}
	}
	if c := e.count(t, "riverside", "save-the-library"); c.Signatures != 2 {
		t.Errorf("once writable: %d signatures stored, want the 2 acknowledged", c.Signatures)
	}
}

// TestSignClockSetBack (attack8): the machine's clock set back an hour
// while serving. A form opened before is answered 422 with the form
// again and a token of the new time — never refused as too young until
// the clock catches up — and pressed again it signs; a form opened after
// signs as any.
func TestSignClockSetBack(t *testing.T) {
	e := newSignEnv(t, openSQLite(t), nil)
	before := e.formValues(t, libraryPage, "petition-form")
	e.clock.add(10 * time.Second)
	e.clock.add(-time.Hour)
	res := e.post(t, libraryPage+"/sign", before, nil)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("a form from before the clock went back: %d, want 422 and the form again", res.StatusCode)
	}
	d := doc(t, res)
	tok := d.Find(`form#petition-form input[name=token]`).AttrOr("value", "")
	if tok == "" || tok == before.Get("token") {
		t.Fatalf("the form given back holds token %q, want a new one", tok)
	}
	again := cloneForm(before)
	again.Set("token", tok)
	e.clock.add(5 * time.Second)
	wantStatus(t, e.post(t, libraryPage+"/sign", again, nil), 303)

	after := e.formValues(t, libraryPage, "petition-form")
	after.Set("email", "grace@example.org")
	e.clock.add(5 * time.Second)
	wantStatus(t, e.post(t, libraryPage+"/sign", after, nil), 303)
	if c := e.count(t, "riverside", "save-the-library"); c.Signatures != 2 {
		t.Errorf("%d signatures stored, want 2", c.Signatures)
	}
}

func cloneForm(v url.Values) url.Values {
	w := url.Values{}
	for k, vs := range v {
		w[k] = append([]string(nil), vs...)
	}
	return w
}
