package storetest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// outboxOf returns s's store.Outbox, failing the test when the engine has
// none: every engine keeps an outbox.
func outboxOf(t *testing.T, s store.Store) store.Outbox {
	t.Helper()
	ob, ok := s.(store.Outbox)
	if !ok {
		t.Fatalf("%T does not implement store.Outbox", s)
	}
	return ob
}

// Msg returns a webhook message about email on org/campaign with a fresh id.
func Msg(org, campaign, email string) signing.Message {
	return signing.Message{
		ID: signing.NewMessageID(), Kind: signing.MessageWebhook, Target: "https://crm.example.org/hook",
		Email: email, Org: org, Campaign: campaign, Payload: []byte(`{"email":"` + email + `"}`),
	}
}

// outboxIDs lists the ids of the outbox's messages with status.
func outboxIDs(t *testing.T, ob store.Outbox, status store.OutboxStatus) []string {
	t.Helper()
	es, err := ob.List(context.Background(), status)
	if err != nil {
		t.Fatalf("List(%q): %v", status, err)
	}
	ids := make([]string, len(es))
	for i, e := range es {
		ids[i] = e.ID
	}
	slices.Sort(ids)
	return ids
}

func sortedIDs(ms ...signing.Message) []string {
	var ids []string
	for _, m := range ms {
		ids = append(ids, m.ID)
	}
	slices.Sort(ids)
	return ids
}

// testOutboxWithSignatures: a signature's messages are stored with it,
// exactly as given; a duplicate signature's messages are not; signatures
// without messages add none.
func testOutboxWithSignatures(t *testing.T, s store.Store) {
	ob := outboxOf(t, s)
	a := Sig("o", "c", "a@example.org")
	m1, m2 := Msg("o", "c", "a@example.org"), Msg("o", "c", "a@example.org")
	m2.Kind, m2.Target = signing.MessageEmail, ""
	a.Outbox = []signing.Message{m1, m2}
	add(t, s, a, Sig("o", "c", "b@example.org"))
	if got, want := outboxIDs(t, ob, ""), sortedIDs(m1, m2); !slices.Equal(got, want) {
		t.Fatalf("outbox after signing: got %v, want %v", got, want)
	}
	es, _ := ob.List(context.Background(), store.OutboxPending)
	for _, e := range es {
		want := m1
		if e.ID == m2.ID {
			want = m2
		}
		if e.Kind != want.Kind || e.Target != want.Target || e.Email != want.Email || e.Org != want.Org ||
			e.Campaign != want.Campaign || string(e.Payload) != string(want.Payload) ||
			e.Status != store.OutboxPending || e.Attempts != 0 || e.LastError != "" || e.NotBefore.IsZero() || e.CreatedAt.IsZero() {
			t.Errorf("stored message:\n got %+v\nwant %+v, pending, no attempts", e, want)
		}
	}
	// The same signer again (and a duplicate inside one batch) brings no
	// message: nothing new was signed.
	dup := Sig("o", "c", "a@example.org")
	dup.Outbox = []signing.Message{Msg("o", "c", "a@example.org")}
	c := Sig("o", "c", "c@example.org")
	mc := Msg("o", "c", "c@example.org")
	c.Outbox = []signing.Message{mc}
	c2 := Sig("o", "c", "c@example.org")
	c2.Outbox = []signing.Message{Msg("o", "c", "c@example.org")}
	res, err := s.AddSignatures(context.Background(), []*signing.Signature{dup, c, c2})
	if err != nil || res[0] == nil || res[1] != nil || res[2] == nil {
		t.Fatalf("AddSignatures(dup, new, dup in batch): got %v, %v", res, err)
	}
	if got, want := outboxIDs(t, ob, ""), sortedIDs(m1, m2, mc); !slices.Equal(got, want) {
		t.Errorf("outbox after duplicates: got %v, want %v (no duplicate's message)", got, want)
	}
}

// testOutboxLifecycle: enqueue, claim with a lease, done, retry, dead,
// requeue and drop.
func testOutboxLifecycle(t *testing.T, s store.Store) {
	ctx := context.Background()
	ob := outboxOf(t, s)
	now := time.Now()
	due1, due2 := Msg("o", "", ""), Msg("o", "c", "x@example.org")
	later := Msg("o", "c", "y@example.org")
	later.NotBefore = now.Add(time.Hour)
	if err := ob.Enqueue(ctx, []signing.Message{due1, due2, later}); err != nil {
		t.Fatalf("Enqueue: %v", err)
	}
	// Enqueueing the same id again changes nothing.
	again := due1
	again.Payload = []byte(`{"changed":true}`)
	if err := ob.Enqueue(ctx, []signing.Message{again}); err != nil {
		t.Fatalf("Enqueue again: %v", err)
	}
	if got := outboxIDs(t, ob, ""); len(got) != 3 {
		t.Fatalf("outbox: got %d messages, want 3", len(got))
	}
	got, err := ob.Claim(ctx, "w1", 10, time.Minute)
	if err != nil {
		t.Fatalf("Claim: %v", err)
	}
	if ids := sortedIDs(entriesMessages(got)...); !slices.Equal(ids, sortedIDs(due1, due2)) {
		t.Fatalf("Claim: got %v, want the two due messages %v", ids, sortedIDs(due1, due2))
	}
	for _, e := range got {
		if e.Attempts != 1 {
			t.Errorf("claimed %s: got %d attempts, want 1", e.ID, e.Attempts)
		}
		if e.ID == due1.ID && string(e.Payload) != string(due1.Payload) {
			t.Errorf("claimed payload: got %s, want the first enqueued %s", e.Payload, due1.Payload)
		}
	}
	// Within the lease nobody else claims them.
	if more, err := ob.Claim(ctx, "w2", 10, time.Minute); err != nil || len(more) != 0 {
		t.Fatalf("Claim within the lease: got %d, %v, want none", len(more), err)
	}
	if err := ob.Done(ctx, due1.ID); err != nil {
		t.Fatalf("Done: %v", err)
	}
	if err := ob.Done(ctx, due1.ID); err != nil {
		t.Errorf("Done twice: got %v, want nil", err)
	}
	if err := ob.Retry(ctx, due2.ID, now.Add(-time.Second), "503 from the receiver"); err != nil {
		t.Fatalf("Retry: %v", err)
	}
	got, err = ob.Claim(ctx, "w2", 10, time.Minute)
	if err != nil || len(got) != 1 || got[0].ID != due2.ID || got[0].Attempts != 2 || got[0].LastError != "503 from the receiver" {
		t.Fatalf("Claim after Retry: got %+v, %v, want %s on its second attempt", got, err, due2.ID)
	}
	if err := ob.Dead(ctx, due2.ID, "410 gone"); err != nil {
		t.Fatalf("Dead: %v", err)
	}
	if ids := outboxIDs(t, ob, store.OutboxDead); !slices.Equal(ids, []string{due2.ID}) {
		t.Errorf("List(dead): got %v, want [%s]", ids, due2.ID)
	}
	if ids := outboxIDs(t, ob, store.OutboxPending); !slices.Equal(ids, []string{later.ID}) {
		t.Errorf("List(pending): got %v, want [%s]", ids, later.ID)
	}
	// Requeue makes the dead one and the later one due now.
	if n, err := ob.Requeue(ctx, []string{due2.ID, later.ID, "nosuchid"}); err != nil || n != 2 {
		t.Fatalf("Requeue: got %d, %v, want 2", n, err)
	}
	got, err = ob.Claim(ctx, "w1", 1, time.Minute)
	if err != nil || len(got) != 1 {
		t.Fatalf("Claim(1) after Requeue: got %d, %v, want 1", len(got), err)
	}
	// A lease that has run out (a worker killed mid-delivery) gives the
	// message back: a lease in the past stands for one that ran out.
	got, err = ob.Claim(ctx, "w1", 5, -time.Second)
	if err != nil || len(got) != 1 {
		t.Fatalf("Claim the other: got %d, %v, want 1", len(got), err)
	}
	back, err := ob.Claim(ctx, "w3", 5, time.Minute)
	if err != nil || len(back) != 1 || back[0].ID != got[0].ID {
		t.Fatalf("Claim after the lease ran out: got %+v, %v, want %s back", back, err, got[0].ID)
	}
	if n, err := ob.Drop(ctx, []string{due2.ID, later.ID}); err != nil || n != 2 {
		t.Fatalf("Drop: got %d, %v, want 2", n, err)
	}
	if ids := outboxIDs(t, ob, ""); len(ids) != 0 {
		t.Errorf("outbox after Drop: got %v, want empty", ids)
	}
	if n, err := ob.Requeue(ctx, nil); err != nil || n != 0 {
		t.Errorf("Requeue(nil): got %d, %v", n, err)
	}
}

func entriesMessages(es []store.OutboxEntry) []signing.Message {
	ms := make([]signing.Message, len(es))
	for i, e := range es {
		ms[i] = e.Message
	}
	return ms
}

// testOutboxErase: Erase removes the address's messages, Purge the
// campaign's, and nobody else's.
func testOutboxErase(t *testing.T, s store.Store) {
	ctx := context.Background()
	ob := outboxOf(t, s)
	a := Sig("o", "c", "a@example.org")
	ma := Msg("o", "c", "a@example.org")
	a.Outbox = []signing.Message{ma}
	b := Sig("o", "d", "b@example.org")
	mb := Msg("o", "d", "b@example.org")
	b.Outbox = []signing.Message{mb}
	add(t, s, a, b)
	mc := Msg("o", "c", "c@example.org")
	loose := Msg("o", "", "a@example.org") // an erasure notice, say
	if err := ob.Enqueue(ctx, []signing.Message{mc, loose}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Erase(ctx, "a@example.org"); err != nil {
		t.Fatalf("Erase: %v", err)
	}
	if got, want := outboxIDs(t, ob, ""), sortedIDs(mb, mc); !slices.Equal(got, want) {
		t.Errorf("outbox after Erase: got %v, want %v", got, want)
	}
	add(t, s, Sig("o", "c", "z@example.org"))
	if _, err := s.Purge(ctx, "o", "c"); err != nil {
		t.Fatalf("Purge: %v", err)
	}
	if got, want := outboxIDs(t, ob, ""), sortedIDs(mb); !slices.Equal(got, want) {
		t.Errorf("outbox after Purge: got %v, want %v", got, want)
	}
}

// testOutboxClaimConcurrent: claimers running at once never get the same
// message, and between them get every one.
func testOutboxClaimConcurrent(t *testing.T, s store.Store) {
	ctx := context.Background()
	ob := outboxOf(t, s)
	var msgs []signing.Message
	for range 60 {
		msgs = append(msgs, Msg("o", "c", ""))
	}
	if err := ob.Enqueue(ctx, msgs); err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	claimAll(ctx, t, ob, 7, seen)
	if len(seen) != len(msgs) {
		t.Errorf("claimed %d distinct messages, want %d", len(seen), len(msgs))
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("message %s claimed %d times within its lease", id, n)
		}
	}
}

// testOutboxDoneMany: Done removes a whole delivered batch at once —
// ids already gone and unknown ones are no error — and leaves the rest.
func testOutboxDoneMany(t *testing.T, s store.Store) {
	ctx := context.Background()
	ob := outboxOf(t, s)
	var msgs []signing.Message
	for i := range 5 {
		msgs = append(msgs, Msg("o", "c", fmt.Sprintf("done%d@example.org", i)))
	}
	if err := ob.Enqueue(ctx, msgs); err != nil {
		t.Fatal(err)
	}
	if got, err := ob.Claim(ctx, "w", 10, time.Minute); err != nil || len(got) != 5 {
		t.Fatalf("Claim: %d, %v; want 5", len(got), err)
	}
	if err := ob.Done(ctx); err != nil {
		t.Errorf("Done with no ids: %v", err)
	}
	if err := ob.Done(ctx, msgs[0].ID, msgs[2].ID, msgs[3].ID, "nosuchid"); err != nil {
		t.Fatalf("Done(3 ids and an unknown one): %v", err)
	}
	if err := ob.Done(ctx, msgs[0].ID, msgs[2].ID); err != nil {
		t.Errorf("Done again: %v; want nil", err)
	}
	if got, want := outboxIDs(t, ob, ""), sortedIDs(msgs[1], msgs[4]); !slices.Equal(got, want) {
		t.Errorf("after Done: %v, want %v", got, want)
	}
}

// claimAll has four workers claim n messages at a time, with an hour's
// lease, until the outbox gives none, counting in seen how often each id
// was claimed.
func claimAll(ctx context.Context, t *testing.T, ob store.Outbox, n int, seen map[string]int) {
	t.Helper()
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for {
				got, err := ob.Claim(ctx, string(rune('a'+w)), n, time.Hour)
				if err != nil {
					t.Errorf("Claim: %v", err)
					return
				}
				if len(got) == 0 {
					return
				}
				mu.Lock()
				for _, e := range got {
					seen[e.ID]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
}
