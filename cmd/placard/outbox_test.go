package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store/sqlite"
	"github.com/placard/placard/internal/webhook"
)

// hookSecret is the webhook secret the test organisation's secret_env
// names (PLACARD_ORG_BAY_RUNNERS__HOOK_SECRET).
const hookSecret = "whsec_dGVzdC13ZWJob29rLXNlY3JldC0xMjM0NTY3ODkw"

// hookReceiver is an organisation's webhook receiver on loopback: it
// verifies every delivery's signature as a real receiver must, refuses
// any that fails, and records the ids received per signer's address.
type hookReceiver struct {
	srv *httptest.Server
	key []byte

	// holding makes the receiver keep each delivery it has recorded
	// waiting for an answer, as a slow CRM does, until the sender goes
	// away: the sender never learns it was received. held counts them.
	holding atomic.Bool
	held    atomic.Int64
	heldFor []string // the addresses of the deliveries held (under mu)

	mu      sync.Mutex
	byEmail map[string][]string // address → webhook-id of each delivery
	refused int
	last    struct {
		header http.Header
		body   []byte
	}
}

func newHookReceiver(t *testing.T) *hookReceiver {
	t.Helper()
	r := &hookReceiver{key: webhook.SecretKey(hookSecret), byEmail: map[string][]string{}}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, err := io.ReadAll(io.LimitReader(req.Body, 1<<20))
		r.mu.Lock()
		defer r.mu.Unlock()
		if err != nil || webhook.Verify(r.key, req.Header, body, time.Now(), 5*time.Minute) != nil {
			r.refused++
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		var ev webhook.Event
		if err := json.Unmarshal(body, &ev); err != nil || len(ev.Data.Signature.Person.EmailAddresses) == 0 {
			r.refused++
			http.Error(w, "bad body", http.StatusBadRequest)
			return
		}
		email := ev.Data.Signature.Person.EmailAddresses[0].Address
		r.byEmail[email] = append(r.byEmail[email], req.Header.Get(webhook.HeaderID))
		r.last.header, r.last.body = req.Header.Clone(), body
		if r.holding.Load() {
			r.held.Add(1)
			r.heldFor = append(r.heldFor, email)
			r.mu.Unlock()
			<-req.Context().Done() // the sender was killed
			r.mu.Lock()
		}
	}))
	t.Cleanup(r.srv.Close)
	return r
}

// ids returns the webhook-ids received for email.
func (r *hookReceiver) ids(email string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.byEmail[email]...)
}

// webhookCampaigns copies testdata/signing into a temporary folder and
// gives its organisation a webhook to url for signature.created.
func webhookCampaigns(t *testing.T, url string) string {
	t.Helper()
	dir := t.TempDir()
	err := filepath.WalkDir(signingCampaigns, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(signingCampaigns, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dir, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if rel == filepath.Join("bay-runners", "org.yaml") {
			b = append(b, "webhooks:\n  - url: "+url+"/placard\n    secret_env: PLACARD_ORG_BAY_RUNNERS__HOOK_SECRET\n    events: [signature.created]\n"...)
		}
		return os.WriteFile(filepath.Join(dir, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestWebhookDelivered signs once on a server whose organisation has a
// webhook and sees the receiver get the event, signed, with the signer in
// an OSDI-shaped body; a tampered copy is refused; the delivered message
// leaves the outbox.
func TestWebhookDelivered(t *testing.T) {
	r := newHookReceiver(t)
	dir := webhookCampaigns(t, r.srv.URL)
	db := sqliteDB(t)
	base, logs := startSigningServeEnv(t, map[string]string{"PLACARD_ORG_BAY_RUNNERS__HOOK_SECRET": hookSecret}, dir, db, "--dev")
	f := loadForm(t, base, petitionRef)
	wantSigned(t, base, f, f.with(map[string]string{"name": "Hana Webhook", "email": "hana@example.org", "consent": "yes", "postcode": "E1 6AN"}), petitionRef, "signed")
	eventually(t, "the webhook receiver got the signature", func() bool { return len(r.ids("hana@example.org")) > 0 })

	r.mu.Lock()
	h, body, refused := r.last.header, r.last.body, r.refused
	r.mu.Unlock()
	if refused != 0 {
		t.Errorf("the receiver refused %d deliveries, want 0", refused)
	}
	var ev map[string]any
	json.Unmarshal(body, &ev)
	person := ev["data"].(map[string]any)["signature"].(map[string]any)["person"].(map[string]any)
	if ev["type"] != "signature.created" || person["given_name"] != "Hana" || person["family_name"] != "Webhook" {
		t.Errorf("delivered body: got %s", body)
	}
	// The same delivery with one byte of the body changed is refused.
	tampered := []byte(strings.Replace(string(body), "Hana", "Hanb", 1))
	req, _ := http.NewRequest(http.MethodPost, r.srv.URL+"/placard", strings.NewReader(string(tampered)))
	for _, k := range []string{webhook.HeaderID, webhook.HeaderTimestamp, webhook.HeaderSignature} {
		req.Header.Set(k, h.Get(k))
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("tampered body: receiver answered %d, want 401", res.StatusCode)
	}
	// Delivered: nothing of it is kept.
	eventually(t, "the outbox to be empty", func() bool {
		out, _, code := runCLI(t, "outbox", "list", "--db", db)
		return code == 0 && strings.Contains(out, "The outbox is empty")
	})
	if strings.Contains(logs.String(), "hana@example.org") {
		t.Errorf("the server's log holds the signer's address:\n%s", logs.String())
	}
}

// TestOutboxCommand lists, retries and drops messages in a real database.
func TestOutboxCommand(t *testing.T) {
	ctx := context.Background()
	db := sqliteDB(t)
	s, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	a := signing.Message{ID: "aaaaaaaaaaaaaaaaaaaaaaaaaa", Kind: "webhook", Target: "https://crm.example.org/hook?token=s3cret",
		Email: "x@example.org", Org: "bay-runners", Campaign: "light-the-path", Payload: []byte(`{}`)}
	b := signing.Message{ID: "bbbbbbbbbbbbbbbbbbbbbbbbbb", Kind: "osdi", Target: "https://actionnetwork.org/api/v2/petitions/p/signatures",
		Email: "y@example.org", Org: "bay-runners", Payload: []byte(`{}`)}
	if err := s.Enqueue(ctx, []signing.Message{a, b}); err != nil {
		t.Fatal(err)
	}
	if err := s.Dead(ctx, b.ID, "actionnetwork.org answered 401"); err != nil {
		t.Fatal(err)
	}
	s.Close()

	out, errs, code := runCLI(t, "outbox", "list", "--db", db)
	if code != 0 {
		t.Fatalf("outbox list: exit %d\n%s", code, errs)
	}
	for _, want := range []string{"ID", "STATUS", "LAST ERROR", a.ID, "pending", "https://crm.example.org/hook", "bay-runners/light-the-path",
		b.ID, "dead", "actionnetwork.org answered 401", "2 messages."} {
		if !strings.Contains(out, want) {
			t.Errorf("outbox list: no %q in\n%s", want, out)
		}
	}
	for _, secret := range []string{"s3cret", "x@example.org", "y@example.org"} {
		if strings.Contains(out, secret) {
			t.Errorf("outbox list shows %q:\n%s", secret, out)
		}
	}
	out, _, _ = runCLI(t, "outbox", "list", "--status", "dead", "--db", db)
	if strings.Contains(out, a.ID) || !strings.Contains(out, b.ID) {
		t.Errorf("outbox list --status dead:\n%s", out)
	}
	if out, errs, code := runCLI(t, "outbox", "retry", b.ID, "--db", db); code != 0 || !strings.Contains(out, "Queued again 1 message.") {
		t.Errorf("outbox retry: exit %d\n%s%s", code, out, errs)
	}
	if out, _, _ := runCLI(t, "outbox", "list", "--status", "dead", "--db", db); !strings.Contains(out, "No dead messages") {
		t.Errorf("after retry, outbox list --status dead:\n%s", out)
	}
	if out, errs, code := runCLI(t, "outbox", "drop", a.ID, b.ID, "--db", db); code != 0 || !strings.Contains(out, "Dropped 2 messages.") {
		t.Errorf("outbox drop: exit %d\n%s%s", code, out, errs)
	}
	if _, errs, code := runCLI(t, "outbox", "drop", a.ID, "--db", db); code != 1 || !strings.Contains(errs, "match no message") {
		t.Errorf("outbox drop of a gone id: exit %d, want 1\n%s", code, errs)
	}
	for _, args := range [][]string{
		{"outbox"}, {"outbox", "lsit"}, {"outbox", "list", "--status", "done"}, {"outbox", "retry"},
		{"outbox", "drop", "not an id"}, {"outbox", "list", "extra"},
	} {
		if _, errs, code := runCLI(t, append(args, "--db", db)...); code != 2 {
			t.Errorf("%v: exit %d, want 2\n%s", args, code, errs)
		}
	}
	if _, errs, _ := runCLI(t, "outbox", "lsit", "--db", db); !strings.Contains(errs, "list") {
		t.Errorf("outbox lsit: no did-you-mean in %s", errs)
	}
}

// TestWebhooksSurviveKill signs with many signers on a server with a
// webhook, kills it with SIGKILL while deliveries are in flight, restarts
// it, and checks that every acknowledged signature's event reached the
// receiver at least once, verified, and that every repeat carries the
// same webhook-id (both engines).
func TestWebhooksSurviveKill(t *testing.T) {
	bin := buildPlacard(t)
	for _, e := range engines() {
		t.Run(e.name, func(t *testing.T) {
			webhookCrash(t, bin, e.db(t))
		})
	}
}

func webhookCrash(t *testing.T, bin, db string) {
	r := newHookReceiver(t)
	dir := webhookCampaigns(t, r.srv.URL)
	env := []string{"PLACARD_ORG_BAY_RUNNERS__HOOK_SECRET=" + hookSecret, "PLACARD_OUTBOX_LEASE=2s", "PLACARD_OUTBOX_FIRST_RETRY=1s",
		// Deliveries yield to the burst below for at most this long, so
		// some are in flight at the kill.
		"PLACARD_OUTBOX_MAX_YIELD=1s"}
	srv := startProcessIn(t, bin, dir, db, env, "--dev")
	f := loadForm(t, srv.base, petitionRef)

	const signers = 16
	client := &http.Client{
		Timeout:       20 * time.Second,
		Transport:     &http.Transport{MaxIdleConnsPerHost: signers},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	var (
		mu    sync.Mutex
		acked []string
		wg    sync.WaitGroup
		sent  atomic.Int64
	)
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	for g := range signers {
		wg.Go(func() {
			for i := 0; ctx.Err() == nil; i++ {
				email := fmt.Sprintf("hook-%d-%d@example.org", g, i)
				v := f.with(map[string]string{"name": fmt.Sprintf("Signer %d %d", g, i), "email": email, "consent": "yes"})
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, f.action, strings.NewReader(v.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				res, err := client.Do(req)
				if err != nil {
					return
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				sent.Add(1)
				loc, _ := url.Parse(res.Header.Get("Location"))
				if res.StatusCode == http.StatusSeeOther && loc != nil && loc.Query().Get("outcome") == "signed" {
					mu.Lock()
					acked = append(acked, email)
					mu.Unlock()
				}
			}
		})
	}
	// Kill once deliveries are flowing — some events received, many not
	// yet — and some are in flight: received, but not yet answered.
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		r.mu.Lock()
		got := len(r.byEmail)
		r.mu.Unlock()
		if n >= 400 && got > 0 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	r.holding.Store(true)
	for r.held.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	inFlight := r.held.Load()
	if err := srv.cmd.Process.Kill(); err != nil {
		t.Fatalf("kill -9: %v", err)
	}
	<-srv.done
	srv.done <- nil
	wg.Wait()
	stop()
	mu.Lock()
	defer mu.Unlock()
	r.mu.Lock()
	before := len(r.byEmail)
	r.mu.Unlock()
	if len(acked) == 0 {
		t.Fatalf("no signature acknowledged before the kill:\n%s", srv.logs.String())
	}
	t.Logf("%d signatures acknowledged, %d events received before kill -9, %d of them unanswered (in flight)", len(acked), before, inFlight)
	if inFlight == 0 {
		t.Fatal("no delivery was in flight at the kill")
	}
	r.holding.Store(false)

	again := startProcessIn(t, bin, dir, db, env, "--dev")
	r.mu.Lock()
	heldFor := append([]string(nil), r.heldFor...)
	r.mu.Unlock()
	// Every acknowledged signature's event at least once, and each held
	// one (received, never answered) a second time.
	missing := func() []string {
		var out []string
		for _, e := range acked {
			if len(r.ids(e)) == 0 {
				out = append(out, e)
			}
		}
		for _, e := range heldFor {
			if len(r.ids(e)) < 2 {
				out = append(out, e+" (again)")
			}
		}
		return out
	}
	end := time.Now().Add(90 * time.Second)
	for len(missing()) > 0 && time.Now().Before(end) {
		time.Sleep(100 * time.Millisecond)
	}
	if m := missing(); len(m) > 0 {
		t.Fatalf("%d of %d acknowledged signatures never reached the webhook after restart (first: %s)\n%s",
			len(m), len(acked), m[0], again.logs.String())
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	dups := 0
	for email, ids := range r.byEmail {
		for _, id := range ids[1:] {
			dups++
			if id != ids[0] {
				t.Errorf("%s: deliveries carry different webhook-ids %v, want one id for one event", email, ids)
				break
			}
		}
	}
	if r.refused != 0 {
		t.Errorf("the receiver refused %d deliveries (bad signature or body), want 0", r.refused)
	}
	t.Logf("every one of %d events delivered; %d repeats, each with its event's webhook-id", len(acked), dups)
	if dups < int(inFlight) {
		t.Errorf("%d repeats, want at least the %d deliveries in flight at the kill to come again", dups, inFlight)
	}
	if out, errs, code := runCLI(t, "outbox", "list", "--status", "dead", "--db", db); code != 0 || !strings.Contains(out, "No dead messages") {
		t.Errorf("dead messages after the crash: exit %d\n%s%s", code, out, errs)
	}
}

// erasableSignature makes webhookCampaigns for hookURL with bay-runners'
// webhook also told of signature.erased, and an SQLite database holding
// one signature of status by name and email on light-the-path; it returns
// the campaigns folder and the database.
func erasableSignature(t *testing.T, hookURL string, status signing.Status, name, email string) (string, string) {
	t.Helper()
	ctx := context.Background()
	dir := webhookCampaigns(t, hookURL)
	org := filepath.Join(dir, "bay-runners", "org.yaml")
	b, err := os.ReadFile(org)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(org, []byte(strings.Replace(string(b), "events: [signature.created]", "events: [signature.created, signature.erased]", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	db := sqliteDB(t)
	s, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sig := &signing.Signature{Org: "bay-runners", Campaign: "light-the-path", Action: "petition", Kind: signing.KindIndividual,
		Status: status, Name: name, Email: email, ConsentText: "Yes.", ConsentAt: time.Now(), Lang: "en", CreatedAt: time.Now()}
	if _, err := s.AddSignatures(ctx, []*signing.Signature{sig}); err != nil {
		t.Fatal(err)
	}
	return dir, db
}

// TestEraseTellsWebhooks: erasing an address queues signature.erased for
// the webhooks of the organisations where it signed, and for no other.
func TestEraseTellsWebhooks(t *testing.T) {
	dir, db := erasableSignature(t, "https://crm.bay-runners.example", signing.StatusApproved, "Ada", "ada@example.org")
	out, errs, code := runCLI(t, "signatures", "erase", "--email", "ada@example.org", "--db", db, "--campaigns", dir)
	if code != 0 || out != "Removed 1 signature for ada@example.org\nQueued 1 signature.erased event to tell your webhooks (placard serve delivers them).\n" {
		t.Fatalf("erase: exit %d\n%s%s", code, out, errs)
	}
	out, _, _ = runCLI(t, "signatures", "erase", "--email", "never@example.org", "--db", db, "--campaigns", dir)
	if out != "Removed 0 signatures for never@example.org\n" {
		t.Errorf("erase of an address that never signed: got %q, want no event queued", out)
	}
	ctx := context.Background()
	s, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	es, err := s.List(ctx, "")
	if err != nil || len(es) != 1 || es[0].Target != "https://crm.bay-runners.example/placard" ||
		!strings.Contains(string(es[0].Payload), `"type":"signature.erased"`) || !strings.Contains(string(es[0].Payload), "ada@example.org") {
		t.Errorf("outbox after erase: got %+v, %v, want one signature.erased for ada", es, err)
	}
}

// TestNoWebhooksNoOutboxRows: signing for an organisation without webhooks
// or osdi writes nothing to the outbox.
func TestNoWebhooksNoOutboxRows(t *testing.T) {
	db := sqliteDB(t)
	base, _ := startSigningServe(t, signingCampaigns, db)
	f := loadForm(t, base, petitionRef)
	wantSigned(t, base, f, f.with(map[string]string{"name": "Plain Signer", "email": "plain@example.org", "consent": "yes"}), petitionRef, "signed")
	out, errs, code := runCLI(t, "outbox", "list", "--db", db)
	if code != 0 || !strings.Contains(out, "The outbox is empty") {
		t.Errorf("outbox after signing without webhooks: exit %d\n%s%s", code, out, errs)
	}
}

// TestEraseOfAnUnconfirmedAddressTellsNoWebhook: an address whose only
// signature waits for its signer's confirmation never left Placard
// (docs/security.md: anyone can type anyone's address). Erasing it must
// not be what hands it to the organisation's CRM in a signature.erased.
// Failed before: the erasure queued signature.erased with the address.
func TestEraseOfAnUnconfirmedAddressTellsNoWebhook(t *testing.T) {
	dir, db := erasableSignature(t, "https://crm.bay-runners.example", signing.StatusUnconfirmed, "Someone", "victim@example.org")
	out, errs, code := runCLI(t, "signatures", "erase", "--email", "victim@example.org", "--db", db, "--campaigns", dir)
	if code != 0 || out != "Removed 1 signature for victim@example.org\n" {
		t.Fatalf("erase: exit %d, got %q%s, want the signature removed and no event queued", code, out, errs)
	}
	ctx := context.Background()
	s, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if es, err := s.List(ctx, ""); err != nil || len(es) != 0 {
		t.Errorf("outbox after erase: %d messages, %v; want none", len(es), err)
	}
}

// TestEraseWithoutCampaignsTellsCRMs: placard signatures erase run where
// the campaign files are not (the default folder missing, a wrong
// --campaigns) still erases at once, and the organisation's CRM is still
// told: the erasure leaves a note in the outbox that placard serve,
// which has the settings, turns into the signature.erased notice it
// delivers, deleting the note. The note shows no address in outbox
// list. Failed before: the erasure queued nothing ("Removed 1 signature"
// and no more), and the receiver never heard of it.
func TestEraseWithoutCampaignsTellsCRMs(t *testing.T) {
	r := newHookReceiver(t)
	dir, db := erasableSignature(t, r.srv.URL, signing.StatusApproved, "Ada", "ada@example.org")
	missing := filepath.Join(t.TempDir(), "placard-campaigns")
	out, errs, code := runCLI(t, "signatures", "erase", "--email", "ada@example.org", "--db", db, "--campaigns", missing)
	if code != 0 || !strings.HasPrefix(out, "Removed 1 signature for ada@example.org\n") ||
		!strings.Contains(out, "there is no campaigns folder at "+missing) ||
		!strings.Contains(out, "Queued a note for 1 organisation instead. placard serve from this version or a newer one tells them when it runs on this database") ||
		!strings.Contains(out, "placard serve from an older version does not see the note: if one still runs on this database, restart it from this version.") {
		t.Fatalf("erase without the campaign files: exit %d\n%s%s", code, out, errs)
	}
	out, _, _ = runCLI(t, "outbox", "list", "--db", db)
	if !strings.Contains(out, "erasure") || !strings.Contains(out, "bay-runners") || strings.Contains(out, "ada@") {
		t.Errorf("outbox list after the erasure: want the note, of bay-runners, without the address:\n%s", out)
	}
	startSigningServeEnv(t, map[string]string{"PLACARD_ORG_BAY_RUNNERS__HOOK_SECRET": hookSecret}, dir, db, "--dev")
	eventually(t, "the receiver to hear of the erasure", func() bool { return len(r.ids("ada@example.org")) > 0 })
	eventually(t, "the outbox to be empty, the note with it", func() bool {
		out, _, code := runCLI(t, "outbox", "list", "--db", db)
		return code == 0 && strings.Contains(out, "The outbox is empty")
	})
	r.mu.Lock()
	body := string(r.last.body)
	r.mu.Unlock()
	if !strings.Contains(body, `"type":"signature.erased"`) {
		t.Errorf("delivered %s, want signature.erased", body)
	}
}

// TestErasureNotesOfAnOrganisationNotServed: an erasure note whose
// organisation placard serve does not serve (removed from the campaigns
// folder) was deleted by serve's first turn, untold: the CRM kept a
// person Placard erased and nobody knew. serve now keeps it, says at
// start what it is and what to do (counts and names only), 'placard
// outbox list' counts it, and 'placard outbox drop --erasure-notes'
// drops it once the operator erased those people by hand. Failed before:
// no warning, and the note was gone after serve's turn.
func TestErasureNotesOfAnOrganisationNotServed(t *testing.T) {
	r := newHookReceiver(t)
	_, db := erasableSignature(t, r.srv.URL, signing.StatusApproved, "Ada", "ada@example.org")
	missing := filepath.Join(t.TempDir(), "placard-campaigns")
	if out, errs, code := runCLI(t, "signatures", "erase", "--email", "ada@example.org", "--db", db, "--campaigns", missing); code != 0 {
		t.Fatalf("erase: exit %d\n%s%s", code, out, errs)
	}
	_, logs := startSigningServeEnv(t, nil, filepath.Join("testdata", "campaigns"), db)
	const told = "1 erasure notice for organisation bay-runners's CRM could not be sent because bay-runners is no longer served: serve bay-runners again to send them, or erase those people in its CRM by hand and run 'placard outbox drop --erasure-notes bay-runners' to drop the notices"
	if !strings.Contains(logs.String(), told) {
		t.Errorf("serve's log does not tell of the note kept for bay-runners (want %q):\n%s", told, logs.String())
	}
	eventually(t, "serve to have turned the note and kept it", func() bool {
		out, _, code := runCLI(t, "outbox", "list", "--db", db)
		return code == 0 && strings.Contains(out, "no longer served")
	})
	out, _, _ := runCLI(t, "outbox", "list", "--db", db)
	if !strings.Contains(out, "Erasure notices waiting to tell CRMs of people erased here (kind erasure): 1 (bay-runners 1).") || strings.Contains(out, "ada@") {
		t.Errorf("outbox list: want the note counted for bay-runners, without the address:\n%s", out)
	}
	if strings.Contains(logs.String(), "ada@") {
		t.Errorf("serve's log names the erased address:\n%s", logs.String())
	}
	out, errs, code := runCLI(t, "outbox", "drop", "--erasure-notes", "bay-runners", "--db", db)
	if code != 0 || !strings.Contains(out, "Dropped 1 erasure notice of organisation bay-runners") {
		t.Fatalf("drop --erasure-notes: exit %d\n%s%s", code, out, errs)
	}
	if out, _, _ := runCLI(t, "outbox", "list", "--db", db); !strings.Contains(out, "The outbox is empty") {
		t.Errorf("outbox list after dropping the notes:\n%s", out)
	}
	if out, _, code := runCLI(t, "outbox", "drop", "--erasure-notes", "bay-runners", "--db", db); code != 0 || !strings.Contains(out, "No erasure notices of organisation bay-runners are waiting") {
		t.Errorf("drop --erasure-notes again: exit %d\n%s", code, out)
	}
	if _, errs, code := runCLI(t, "outbox", "drop", "--erasure-notes", "bay runners", "--db", db); code == 0 || !strings.Contains(errs, "organisation's name") {
		t.Errorf("drop --erasure-notes with a space: exit %d\n%s", code, errs)
	}
}
