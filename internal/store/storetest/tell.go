package storetest

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// TellingStore is a store whose changes to signatures queue what they
// tell in their own transaction (store.Tell): moderation and the
// supporter's choices, with the outbox to look into.
type TellingStore interface {
	store.Store
	store.Mail
	store.Outbox
	store.Moderation
	store.Accounts
	store.Erasures
	store.OutboxOrder
}

// RunTelling runs store.Tell's behavioural suite against stores from
// open: every change that tells queues its messages in its own
// transaction, so a committed change always has them and a change that
// fails — refused by tell, refused by the store, or failing to write its
// messages — changes nothing and queues nothing.
func RunTelling(t *testing.T, open func(t *testing.T) TellingStore) {
	t.Run("DecideQueuesWithTheDecision", func(t *testing.T) { testDecideTells(t, open(t)) })
	t.Run("DecideAnyOrganisationAnyStatus", func(t *testing.T) { testDecideAny(t, open(t)) })
	t.Run("ChoicesQueueWithTheChange", func(t *testing.T) { testChoicesTell(t, open(t)) })
	t.Run("RefusedByTellChangesNothing", func(t *testing.T) { testTellRefuses(t, open(t)) })
	t.Run("FailedQueueUndoesTheChange", func(t *testing.T) { testTellQueueFails(t, open(t)) })
	t.Run("ErasuresQueueWithTheErasure", func(t *testing.T) { testErasuresTell(t, open) })
	t.Run("ErasureRefusedByTellErasesNothing", func(t *testing.T) { testErasureTellRefuses(t, open(t)) })
	t.Run("ErasureWhoseNoticesFailErasesNothing", func(t *testing.T) { testErasureQueueFails(t, open(t)) })
	t.Run("OutboxEarlier", func(t *testing.T) { testOutboxEarlier(t, open(t)) })
	t.Run("OutboxEarlierExactAddress", func(t *testing.T) { testEarlierExactAddress(t, open(t)) }) // earlierexact.go
	t.Run("ErasureNoticeWaitsForADeliveryInFlight", func(t *testing.T) { testErasureWaitsForDelivery(t, open) })
	t.Run("HeldEventNotGivenUpWithTheEarlier", func(t *testing.T) { testHeldNotGivenUp(t, open(t)) })
	t.Run("ErasureNoteKept", func(t *testing.T) { testErasureNoteKept(t, open(t)) }) // notes.go
}

// teller is a store.Tell that records what it was given and returns one
// crmMessage per signature as the change leaves it.
type teller struct {
	calls   int
	changes []signing.Change
}

func (tl *teller) tell(changes []signing.Change) ([]signing.Message, error) {
	tl.calls++
	tl.changes = append(tl.changes, changes...)
	var msgs []signing.Message
	for i := range changes {
		msgs = append(msgs, crmMessage(&changes[i].After))
	}
	return msgs, nil
}

// queued is the outbox's payloads, sorted.
func queued(t *testing.T, s store.Outbox) []string {
	t.Helper()
	es, err := s.List(context.Background(), "")
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Email+" "+string(e.Payload))
	}
	slices.Sort(out)
	return out
}

func testDecideTells(t *testing.T, s TellingStore) {
	ctx := context.Background()
	p1, p2 := orgSig("letter", "p1@example.org", "Org One", signing.StatusPending), orgSig("letter", "p2@example.org", "Org Two", signing.StatusPending)
	p2.ContactText, p2.ContactAt = "You may write to me.", base
	add(t, s, p1, p2)
	var tl teller
	if _, err := s.Decide(ctx, "o", []int64{p2.ID, p1.ID, p2.ID}, signing.StatusPending, signing.StatusApproved, tl.tell); err != nil {
		t.Fatalf("Decide: %v", err)
	}
	if tl.calls != 1 || len(tl.changes) != 2 {
		t.Fatalf("tell called %d times with %d changes, want once with 2", tl.calls, len(tl.changes))
	}
	for _, c := range tl.changes {
		if c.Before.Status != signing.StatusPending || c.After.Status != signing.StatusApproved || c.After.Organisation == "" ||
			c.Before.Email != c.After.Email || c.After.Org != "o" || c.After.Campaign != "letter" || c.After.ID == 0 {
			t.Errorf("change told: %+v, want the whole signature, pending before and approved after", c)
		}
		if c.After.Email == "p2@example.org" && (c.After.ContactAt.IsZero() || c.After.ContactText != "You may write to me.") {
			t.Errorf("change told: %+v, want the signature's permission to be contacted", c.After)
		}
	}
	want := []string{`p1@example.org {"status":"approved"}`, `p2@example.org {"status":"approved"}`}
	if got := queued(t, s); !slices.Equal(got, want) {
		t.Errorf("outbox after the decision: %q, want %q", got, want)
	}
	// Refused by the store (decided already): nothing asked, nothing queued.
	p3 := orgSig("letter", "p3@example.org", "Org Three", signing.StatusPending)
	add(t, s, p3)
	if _, err := s.Decide(ctx, "o", []int64{p3.ID, p1.ID}, signing.StatusPending, signing.StatusRejected, tl.tell); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Decide with one decided already: %v, want ErrNotFound", err)
	}
	if got := queued(t, s); tl.calls != 1 || !slices.Equal(got, want) {
		t.Errorf("after a refused decision: tell called %d times, outbox %q; want 1 and %q", tl.calls, got, want)
	}
}

func testDecideAny(t *testing.T, s TellingStore) {
	ctx := context.Background()
	rejected := orgSig("letter", "r@example.org", "Org R", signing.StatusRejected)
	rejected.Org = "elsewhere"
	approved := Sig("o", "c", "a@example.org")
	waiting := unconfirmed("o", "c", "u@example.org")
	add(t, s, rejected, approved, waiting)
	var tl teller
	if _, err := s.Decide(ctx, "", []int64{rejected.ID}, "", signing.StatusApproved, tl.tell); err != nil {
		t.Fatalf("Decide of another organisation's rejected signature with no organisation and no status named: %v", err)
	}
	if len(tl.changes) != 1 || tl.changes[0].Before.Status != signing.StatusRejected || tl.changes[0].After.Org != "elsewhere" {
		t.Errorf("changes told: %+v, want the rejected signature, now approved", tl.changes)
	}
	wantCounts(t, s, signing.Count{Org: "elsewhere", Campaign: "letter", Signatures: 1, Organisations: 1},
		signing.Count{Org: "o", Campaign: "c", Signatures: 1})
	// Already approved: nothing changes, nothing is told.
	if _, err := s.Decide(ctx, "", []int64{approved.ID}, "", signing.StatusApproved, tl.tell); err != nil {
		t.Errorf("Decide of a signature already approved: %v, want nil", err)
	}
	if tl.calls != 1 || len(queued(t, s)) != 1 {
		t.Errorf("after deciding what was decided: tell called %d times, %d queued; want 1 and 1", tl.calls, len(queued(t, s)))
	}
	// Unknown: ErrNotFound, whatever organisation and status.
	if _, err := s.Decide(ctx, "", []int64{1 << 40}, "", signing.StatusRejected, tl.tell); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Decide of an unknown id: %v, want ErrNotFound", err)
	}
	// tell sees an unconfirmed signature as it is, and may refuse it.
	refuse := errors.New("waits for its signer")
	_, err := s.Decide(ctx, "", []int64{waiting.ID}, "", signing.StatusApproved, func(cs []signing.Change) ([]signing.Message, error) {
		if cs[0].Before.Status == signing.StatusUnconfirmed {
			return nil, refuse
		}
		return nil, nil
	})
	if !errors.Is(err, refuse) {
		t.Errorf("Decide refused by tell: %v, want tell's error", err)
	}
	if got := emails(t, s, "o", "c", signing.StatusUnconfirmed); !slices.Equal(got, []string{"u@example.org"}) {
		t.Errorf("unconfirmed after a refused decision: %v, want still waiting", got)
	}
}

func testChoicesTell(t *testing.T, s TellingStore) {
	ctx := context.Background()
	a, b, other := Sig("o", "a", "me@example.org"), Sig("o", "b", "me@example.org"), Sig("p", "a", "me@example.org")
	a.ContactText, a.ContactAt, a.Public = "You may write to me.", base, true
	b.Public = true
	other.ContactText, other.ContactAt, other.Public = "Write.", base, true
	add(t, s, a, b, other)
	var tl teller
	if n, err := s.WithdrawContact(ctx, "o", "me@example.org", tl.tell); err != nil || n != 1 {
		t.Fatalf("WithdrawContact: %d, %v; want 1", n, err)
	}
	if len(tl.changes) != 1 || tl.changes[0].Before.Campaign != "a" || tl.changes[0].Before.ContactAt.IsZero() ||
		!tl.changes[0].After.ContactAt.IsZero() || tl.changes[0].After.ContactText != "" || !tl.changes[0].After.Public {
		t.Errorf("withdrawal told: %+v, want campaign a with its permission before and none after", tl.changes)
	}
	if n, err := s.HideName(ctx, "o", "me@example.org", tl.tell); err != nil || n != 2 {
		t.Fatalf("HideName: %d, %v; want 2", n, err)
	}
	if len(tl.changes) != 3 || !tl.changes[1].Before.Public || tl.changes[1].After.Public || tl.changes[2].After.Public ||
		!tl.changes[1].After.ContactAt.IsZero() {
		t.Errorf("hiding told: %+v, want both of o's signatures, public before and not after", tl.changes[1:])
	}
	if got := queued(t, s); len(got) != 3 {
		t.Errorf("outbox after the choices: %q, want 3 messages", got)
	}
	// Pressed again: nothing changes, nothing is told.
	if n, err := s.WithdrawContact(ctx, "o", "me@example.org", tl.tell); err != nil || n != 0 {
		t.Errorf("WithdrawContact again: %d, %v", n, err)
	}
	if n, err := s.HideName(ctx, "o", "me@example.org", tl.tell); err != nil || n != 0 {
		t.Errorf("HideName again: %d, %v", n, err)
	}
	if tl.calls != 2 || len(queued(t, s)) != 3 {
		t.Errorf("after pressing again: tell called %d times, %d queued; want 2 and 3", tl.calls, len(queued(t, s)))
	}
	// Another organisation's signature of the address is theirs.
	sigs, _ := s.Supporter(ctx, "p", "me@example.org")
	if len(sigs) != 1 || sigs[0].ContactAt.IsZero() || !sigs[0].Public {
		t.Errorf("another organisation's signature after the choices: %+v", sigs)
	}
}

// changes is each change the suite makes, on a store seeded by seedChanges.
var changes = []struct {
	name string
	do   func(ctx context.Context, s TellingStore, ids []int64, tell store.Tell) error
}{
	{"Decide", func(ctx context.Context, s TellingStore, ids []int64, tell store.Tell) error {
		_, err := s.Decide(ctx, "o", ids, signing.StatusPending, signing.StatusApproved, tell)
		return err
	}},
	{"WithdrawContact", func(ctx context.Context, s TellingStore, _ []int64, tell store.Tell) error {
		_, err := s.WithdrawContact(ctx, "o", "p@example.org", tell)
		return err
	}},
	{"HideName", func(ctx context.Context, s TellingStore, _ []int64, tell store.Tell) error {
		_, err := s.HideName(ctx, "o", "p@example.org", tell)
		return err
	}},
}

// seedChanges adds one pending, public organisation signature with
// permission to be contacted, which every change in changes changes.
func seedChanges(t *testing.T, s TellingStore) []int64 {
	p := orgSig("letter", "p@example.org", "Org", signing.StatusPending)
	p.Public, p.ContactText, p.ContactAt = true, "You may write to me.", base
	add(t, s, p)
	return []int64{p.ID}
}

// unchanged fails t unless the seeded signature is as seedChanges left it
// and the outbox is empty.
func unchanged(t *testing.T, s TellingStore, what string) {
	t.Helper()
	sigs, err := s.Supporter(context.Background(), "o", "p@example.org")
	if err != nil || len(sigs) != 1 || sigs[0].Status != signing.StatusPending || !sigs[0].Public || sigs[0].ContactAt.IsZero() {
		t.Errorf("%s: the signature is %+v (%v); want it unchanged: pending, public, with permission", what, sigs, err)
	}
	if got := queued(t, s); len(got) != 0 {
		t.Errorf("%s: outbox %q, want empty", what, got)
	}
	wantCounts(t, s, signing.Count{Org: "o", Campaign: "letter", Pending: 1})
}

func testTellRefuses(t *testing.T, s TellingStore) {
	ids := seedChanges(t, s)
	refuse := errors.New("refused")
	for _, c := range changes {
		err := c.do(context.Background(), s, ids, func([]signing.Change) ([]signing.Message, error) { return nil, refuse })
		if !errors.Is(err, refuse) {
			t.Errorf("%s refused by tell: %v, want tell's error", c.name, err)
		}
		unchanged(t, s, c.name+" refused by tell")
	}
}

func testTellQueueFails(t *testing.T, s TellingStore) {
	ids := seedChanges(t, s)
	for _, c := range changes {
		// The change is written, then its transaction fails as its
		// messages are queued (the request ends, the connection
		// drops): the change must go with them.
		ctx, cancel := context.WithCancel(context.Background())
		err := c.do(ctx, s, ids, func(cs []signing.Change) ([]signing.Message, error) {
			cancel()
			return []signing.Message{crmMessage(&cs[0].After)}, nil
		})
		cancel()
		if err == nil {
			t.Errorf("%s whose messages could not be queued: no error", c.name)
		}
		unchanged(t, s, c.name+" whose messages could not be queued")
	}
	// And the same change, able to queue, has its messages.
	for _, c := range changes {
		var tl teller
		if err := c.do(context.Background(), s, ids, tl.tell); err != nil || tl.calls != 1 {
			t.Errorf("%s: %v, tell called %d times; want it to succeed, told once", c.name, err, tl.calls)
		}
	}
	if got := queued(t, s); len(got) != 3 {
		t.Errorf("outbox after three committed changes: %q, want their 3 messages", got)
	}
}

// erasures is each erasure that tells (store.Erasures), of
// e@example.org on organisation o's campaigns (Erase: on every one).
var erasures = []struct {
	name   string
	allOrg bool // erases the address on every organisation's campaigns
	do     func(ctx context.Context, s TellingStore, tell store.TellErased) (int, error)
}{
	{"EraseTold", true, func(ctx context.Context, s TellingStore, tell store.TellErased) (int, error) {
		return s.EraseTold(ctx, "e@example.org", tell)
	}},
	{"EraseInTold", false, func(ctx context.Context, s TellingStore, tell store.TellErased) (int, error) {
		return s.EraseInTold(ctx, "o", "e@example.org", tell)
	}},
	{"EraseSupporterTold", false, func(ctx context.Context, s TellingStore, tell store.TellErased) (int, error) {
		return s.EraseSupporterTold(ctx, "o", "e@example.org", tell)
	}},
}

// seedErasure adds e@example.org's signatures — approved with permission
// to be contacted on o/a, unconfirmed on o/b, approved on p/a — and a
// message waiting under the address.
func seedErasure(t *testing.T, s TellingStore) {
	t.Helper()
	a, b, other := Sig("o", "a", "e@example.org"), unconfirmed("o", "b", "e@example.org"), Sig("p", "a", "e@example.org")
	a.ContactText, a.ContactAt = "You may write to me.", base
	add(t, s, a, b, other)
	if err := s.Enqueue(context.Background(), []signing.Message{crmMessage(a)}); err != nil {
		t.Fatalf("Enqueue: %v", err)
	}
}

// notice is a message an erasure's tell returns for org: one filed under
// no address (signature.erased's way) and one filed under the erased
// address, which the erasure must not take away with the address's
// waiting messages.
func notices(org string) []signing.Message {
	return []signing.Message{
		{ID: signing.NewMessageID(), Kind: signing.MessageWebhook, Target: "https://crm.example.org/hook", Org: org, Payload: []byte(`{"erased":"` + org + `"}`)},
		{ID: signing.NewMessageID(), Kind: signing.MessageOSDI, Target: "https://crm.example.org/osdi", Email: "e@example.org", Org: org, Campaign: "a", Payload: []byte(`{"unsubscribed":"` + org + `"}`)},
	}
}

// testErasuresTell: each erasure hands its tell the signatures it removes,
// as they were, once, and queues what it returns in its own transaction,
// after the address's waiting messages are gone. Failed before (stop 25):
// the erasures took no tell; the console and the CLI queued
// signature.erased after the erasure had committed, so a crash between
// the two left the CRM holding a person Placard had erased.
func testErasuresTell(t *testing.T, open func(t *testing.T) TellingStore) {
	ctx := context.Background()
	for _, e := range erasures {
		s := open(t)
		seedErasure(t, s)
		calls := 0
		var got []signing.Signature
		n, err := e.do(ctx, s, func(erased []signing.Signature) ([]signing.Message, error) {
			calls++
			got = append(got, erased...)
			var msgs []signing.Message
			for _, org := range []string{"o", "p"} {
				if slices.ContainsFunc(erased, func(s signing.Signature) bool { return s.Org == org }) {
					msgs = append(msgs, notices(org)...)
				}
			}
			return msgs, nil
		})
		want := 2
		if e.allOrg {
			want = 3
		}
		if err != nil || n != want || calls != 1 || len(got) != want {
			t.Fatalf("%s: %d, %v, tell called %d times with %d signatures; want %d erased, told once of each", e.name, n, err, calls, len(got), want)
		}
		for _, g := range got {
			if g.Email != "e@example.org" || g.ID == 0 || g.Campaign == "" || g.Status == "" ||
				(g.Org == "o" && g.Campaign == "a" && (g.Status != signing.StatusApproved || g.ContactAt.IsZero())) ||
				(g.Org == "o" && g.Campaign == "b" && g.Status != signing.StatusUnconfirmed) {
				t.Errorf("%s told %+v, want each whole signature as it was", e.name, g)
			}
		}
		wantQueued := []string{` {"erased":"o"}`, `e@example.org {"unsubscribed":"o"}`}
		if e.allOrg {
			wantQueued = []string{` {"erased":"o"}`, ` {"erased":"p"}`, `e@example.org {"unsubscribed":"o"}`, `e@example.org {"unsubscribed":"p"}`}
		}
		if q := queued(t, s); !slices.Equal(q, wantQueued) {
			t.Errorf("%s: outbox %q, want the tell's messages alone (the address's waiting one erased): %q", e.name, q, wantQueued)
		}
		if sigs, err := s.Supporter(ctx, "o", "e@example.org"); err != nil || len(sigs) != 0 {
			t.Errorf("%s: o still holds %+v, %v", e.name, sigs, err)
		}
		// Nothing left to erase: nothing told.
		if n, err := e.do(ctx, s, func([]signing.Signature) ([]signing.Message, error) {
			t.Errorf("%s again: tell called with nothing erased", e.name)
			return nil, nil
		}); err != nil || n != 0 {
			t.Errorf("%s again: %d, %v; want 0, nil", e.name, n, err)
		}
	}
}

// erasureUnchanged fails t unless seedErasure's signatures and waiting
// message are all still there, and nothing else was queued.
func erasureUnchanged(t *testing.T, s TellingStore, what string) {
	t.Helper()
	for org, want := range map[string]int{"o": 2, "p": 1} {
		if sigs, err := s.Supporter(context.Background(), org, "e@example.org"); err != nil || len(sigs) != want {
			t.Errorf("%s: %s holds %d signatures (%v); want %d, nothing erased", what, org, len(sigs), err, want)
		}
	}
	if q := queued(t, s); !slices.Equal(q, []string{`e@example.org {"status":"approved"}`}) {
		t.Errorf("%s: outbox %q, want only the waiting message, kept", what, q)
	}
	wantCounts(t, s, signing.Count{Org: "o", Campaign: "a", Signatures: 1},
		signing.Count{Org: "p", Campaign: "a", Signatures: 1})
}

// testErasureTellRefuses: an error from the tell refuses the erasure.
func testErasureTellRefuses(t *testing.T, s TellingStore) {
	seedErasure(t, s)
	refuse := errors.New("refused")
	for _, e := range erasures {
		_, err := e.do(context.Background(), s, func([]signing.Signature) ([]signing.Message, error) { return nil, refuse })
		if !errors.Is(err, refuse) {
			t.Errorf("%s refused by tell: %v, want tell's error", e.name, err)
		}
		erasureUnchanged(t, s, e.name+" refused by tell")
	}
}

// testErasureQueueFails: an erasure whose transaction fails as its
// notices are queued (the request ends, the connection drops, the
// process dies) erases nothing: the erasure and its notices commit
// together or not at all.
func testErasureQueueFails(t *testing.T, s TellingStore) {
	seedErasure(t, s)
	for _, e := range erasures {
		ctx, cancel := context.WithCancel(context.Background())
		_, err := e.do(ctx, s, func(erased []signing.Signature) ([]signing.Message, error) {
			cancel()
			return notices("o"), nil
		})
		cancel()
		if err == nil {
			t.Errorf("%s whose notices could not be queued: no error", e.name)
		}
		erasureUnchanged(t, s, e.name+" whose notices could not be queued")
	}
}

// testOutboxEarlier: Earlier finds a pending message made before, to the
// same receiver, of the same organisation and about the same address —
// filed under it, or filed under no address and naming it (an erasure's
// notice) — whether waiting or claimed, and nothing else: not a later
// one, another address, receiver or organisation, a dead one, or one
// delivered.
func testOutboxEarlier(t *testing.T, s TellingStore) {
	ctx := context.Background()
	hook, other := "https://crm.example.org/hook", "https://other.example.org/hook"
	msg := func(email, target, org, payload string) signing.Message {
		return signing.Message{ID: signing.NewMessageID(), Kind: signing.MessageWebhook, Target: target, Email: email, Org: org, Campaign: "c", Payload: []byte(payload)}
	}
	erased := msg("", hook, "o", `{"person":{"email_addresses":[{"address":"e@example.org","primary":true}]}}`)
	first := msg("a@example.org", hook, "o", `{"n":1}`)
	elsewhere := []signing.Message{
		msg("", hook, "o", `{"address":"a@example.org.uk"}`),
		msg("a@example.org", other, "o", `{}`),
		msg("a@example.org", hook, "p", `{}`),
	}
	later := msg("a@example.org", hook, "o", `{"n":2}`)
	resigned := msg("e@example.org", hook, "o", `{}`)
	// An erasure's Action Network unsubscribe names one spelling each:
	// the A-label one holds back the stored (Unicode) form's re-signature.
	idnUnsub := msg("", hook, "o", `{"person":{"email_addresses":[{"address":"имя@xn--e1afmkfd.com","status":"unsubscribed"}]}}`)
	idnResigned := msg("имя@пример.com", hook, "o", `{}`)
	all := append(append([]signing.Message{erased, first}, elsewhere...), later, resigned, idnUnsub, idnResigned)
	if err := s.Enqueue(ctx, all); err != nil {
		t.Fatalf("Enqueue: %v", err)
	}
	earlier := func(m signing.Message) bool {
		t.Helper()
		ok, err := s.Earlier(ctx, m)
		if err != nil {
			t.Fatalf("Earlier: %v", err)
		}
		return ok
	}
	if !earlier(later) || !earlier(resigned) {
		t.Errorf("Earlier: %v for a message after another to the same receiver about a@, %v after an erasure's notice naming e@; want both true", earlier(later), earlier(resigned))
	}
	if !earlier(idnResigned) {
		t.Error("Earlier: false for a re-signature filed under a Unicode domain after an unsubscribe naming its A-label form; want true")
	}
	// An erasure note (kind "erasure", webhook.ErasureNotes: an erasure
	// made without the campaign files, which placard serve turns into
	// the notices) holds back the erased person's re-signature too: in
	// one claim with it, the re-signature's signature.created reached the
	// CRM before the notices the note became, sorted before it, and the
	// CRM erased the person who had just signed again.
	note := signing.Message{ID: signing.NewMessageID(), Kind: "erasure", Org: "o",
		Payload: []byte(`{"erased":"n@example.org","at":"2026-12-05T16:00:00Z"}`)}
	if err := s.Enqueue(ctx, []signing.Message{note}); err != nil {
		t.Fatalf("Enqueue: %v", err)
	}
	noteResigned := msg("n@example.org", hook, "o", `{}`)
	noteElsewhere := msg("n@example.org", hook, "p", `{}`)
	if err := s.Enqueue(ctx, []signing.Message{noteResigned, noteElsewhere}); err != nil {
		t.Fatalf("Enqueue: %v", err)
	}
	if !earlier(noteResigned) {
		t.Error("Earlier: false for a re-signature after an erasure note naming its address; want true (the note's notices come first)")
	}
	if earlier(noteElsewhere) {
		t.Error("Earlier: true for a message in another organisation than the erasure note's; want false")
	}
	for i, m := range append([]signing.Message{first, erased}, elsewhere...) {
		if earlier(m) {
			t.Errorf("Earlier of message %d (%s to %s of %s): true, want nothing before it", i, m.Email, m.Target, m.Org)
		}
	}
	// Claimed (being delivered): still earlier.
	if _, err := s.Claim(ctx, "w", 100, time.Hour); err != nil {
		t.Fatalf("Claim: %v", err)
	}
	if !earlier(later) {
		t.Error("Earlier while the first is being delivered: false, want true")
	}
	// Dead: an operator's to retry; not waited for. Delivered: gone.
	if err := s.Dead(ctx, first.ID, "refused"); err != nil {
		t.Fatalf("Dead: %v", err)
	}
	if err := s.Done(ctx, erased.ID); err != nil {
		t.Fatalf("Done: %v", err)
	}
	if earlier(later) || earlier(resigned) {
		t.Errorf("Earlier after the first died and the notice was delivered: %v, %v; want false", earlier(later), earlier(resigned))
	}
}

// testErasureWaitsForDelivery: an erasure's notices are not due before
// the lease of a message about the address that a worker is delivering
// runs out. The erasure deletes that message's row, but not the request
// already on its way; another instance claiming the notice at once could
// deliver signature.erased first, and the CRM, hearing the person's
// signature.created after it, would keep the person Placard erased
// (Earlier cannot hold the notice back: its row is gone, and a notice
// filed under no address waits for nothing). An attempt ends within its
// lease, so after it the notice is last. Failed before (rev26b): the
// notice was due at once, and a second worker claimed it while the first
// still held the signature.created it erased.
func testErasureWaitsForDelivery(t *testing.T, open func(t *testing.T) TellingStore) {
	ctx := context.Background()
	for _, e := range erasures {
		s := open(t)
		seedErasure(t, s) // and e@'s webhook waiting
		lease := time.Hour
		inFlight, err := s.Claim(ctx, "first", 100, lease)
		if err != nil || len(inFlight) != 1 || inFlight[0].Email != "e@example.org" {
			t.Fatalf("%s: claimed %+v, %v; want e@'s message, now being delivered", e.name, inFlight, err)
		}
		claimedUntil := time.Now().Add(lease - time.Minute)
		if _, err := e.do(ctx, s, func(erased []signing.Signature) ([]signing.Message, error) {
			return notices("o")[:1], nil
		}); err != nil {
			t.Fatalf("%s: %v", e.name, err)
		}
		es, err := s.List(ctx, "")
		if err != nil || len(es) != 1 {
			t.Fatalf("%s: outbox %+v, %v; want the notice alone", e.name, es, err)
		}
		if es[0].NotBefore.Before(claimedUntil) {
			t.Errorf("%s: the notice is due at %v, before the lease of the message being delivered runs out (%v)", e.name, es[0].NotBefore, claimedUntil)
		}
		if got, err := s.Claim(ctx, "second", 100, lease); err != nil || len(got) != 0 {
			t.Errorf("%s: a second worker claimed %d messages (%v) while the first still delivers the erased address's; want none", e.name, len(got), err)
		}
		// With nothing in flight, a notice is due at once.
		s = open(t)
		seedErasure(t, s)
		if _, err := e.do(ctx, s, func(erased []signing.Signature) ([]signing.Message, error) {
			return notices("o")[:1], nil
		}); err != nil {
			t.Fatalf("%s: %v", e.name, err)
		}
		if got, err := s.Claim(ctx, "second", 100, lease); err != nil || len(got) != 1 || got[0].Email != "" {
			t.Errorf("%s with nothing in flight: claimed %+v, %v; want the notice, due at once", e.name, got, err)
		}
	}
}
