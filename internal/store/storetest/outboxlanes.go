package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// testOutboxLanes: ClaimAround leaves a busy lane's messages where they
// are and takes the others; Release gives claimed messages back due and
// with their attempt uncounted, and leaves alone what another worker
// holds.
func testOutboxLanes(t *testing.T, s store.Store) {
	ctx := context.Background()
	ob := outboxOf(t, s)
	lanes, ok := s.(store.OutboxLanes)
	if !ok {
		t.Fatalf("%T does not implement store.OutboxLanes", s)
	}
	slow := func() signing.Message {
		m := Msg("slow", "c", "")
		m.Target = "https://slow.example.org/hook"
		return m
	}
	var queued []signing.Message
	for range 5 {
		queued = append(queued, slow())
	}
	sameOrgOtherHook := slow()
	sameOrgOtherHook.Target = "https://fast.example.org/hook"
	mail := signing.Message{ID: signing.NewMessageID(), Kind: signing.MessageEmail, Org: "slow", Campaign: "c", Email: "a@example.org", Payload: []byte(`{}`)}
	other := Msg("other", "c", "")
	queued = append(queued, sameOrgOtherHook, mail, other)
	if err := ob.Enqueue(ctx, queued); err != nil {
		t.Fatalf("Enqueue: %v", err)
	}
	busy := []store.OutboxLane{store.LaneOf(queued[0])}
	got, err := lanes.ClaimAround(ctx, "w1", 10, time.Minute, busy)
	if err != nil {
		t.Fatalf("ClaimAround: %v", err)
	}
	if ids := sortedIDs(entriesMessages(got)...); !slices.Equal(ids, sortedIDs(sameOrgOtherHook, mail, other)) {
		t.Fatalf("ClaimAround with the slow hook busy: got %v, want the three others %v", ids, sortedIDs(sameOrgOtherHook, mail, other))
	}
	// The busy lane's messages were not touched: a plain claim takes
	// them on their first attempt.
	first, err := ob.Claim(ctx, "w1", 2, time.Minute)
	if err != nil || len(first) != 2 {
		t.Fatalf("Claim: got %d, %v, want 2", len(first), err)
	}
	for _, e := range first {
		if e.Attempts != 1 || store.LaneOf(e.Message) != busy[0] {
			t.Errorf("claimed %+v; want a slow-lane message on its first attempt", e)
		}
	}
	// Given back, they are due again at once and their claim is not
	// counted; another worker's claim is not given back.
	if err := lanes.Release(ctx, "w2", first[:1]); err != nil {
		t.Fatalf("Release by another worker: %v", err)
	}
	if more, err := ob.Claim(ctx, "w3", 10, time.Minute); err != nil || len(more) != 3 {
		t.Fatalf("Claim the rest: got %d, %v, want the 3 slow-lane messages left", len(more), err)
	}
	if err := lanes.Release(ctx, "w1", append(first[:2:2], store.OutboxEntry{Message: signing.Message{ID: "nosuchid"}})); err != nil {
		t.Fatalf("Release: %v", err)
	}
	back, err := ob.Claim(ctx, "w4", 10, time.Minute)
	if err != nil || len(back) != 2 {
		t.Fatalf("Claim after Release: got %d, %v, want the 2 given back", len(back), err)
	}
	for _, e := range back {
		if e.Attempts != 1 || e.LastError != "" {
			t.Errorf("given back then claimed: %+v; want its first attempt, no error", e)
		}
	}
}

// testOutboxLanesReleaseKeepsPlace: a message given back keeps its place
// in the queue — due when it was due before the claim, not "now". A
// sign-in email is queued due at 1970 so that it goes before any
// backlog (console.OutboxMailer); given back as "due now" it went behind
// every message due before now, a whole campaign's thank-yous, and its
// link expired before it was sent.
func testOutboxLanesReleaseKeepsPlace(t *testing.T, s store.Store) {
	ctx := context.Background()
	ob := outboxOf(t, s)
	lanes := s.(store.OutboxLanes)
	signIn := signing.Message{ID: signing.NewMessageID(), Kind: "console-signin", Email: "organiser@example.org", Payload: []byte(`{}`),
		NotBefore: time.Unix(0, 0).UTC()}
	backlog := Msg("o", "c", "")
	backlog.NotBefore = time.Now().Add(-time.Minute)
	if err := ob.Enqueue(ctx, []signing.Message{signIn, backlog}); err != nil {
		t.Fatalf("Enqueue: %v", err)
	}
	got, err := lanes.ClaimAround(ctx, "w1", 10, time.Minute, nil)
	if err != nil || len(got) != 2 {
		t.Fatalf("ClaimAround: %d, %v; want both", len(got), err)
	}
	var back []store.OutboxEntry
	for _, e := range got {
		if e.ID == signIn.ID {
			back = append(back, e)
		}
	}
	if err := lanes.Release(ctx, "w1", back); err != nil {
		t.Fatalf("Release: %v", err)
	}
	// The backlog message's claim runs out: both are due again, and the
	// sign-in email, due since 1970, comes first.
	if err := ob.Retry(ctx, backlog.ID, time.Now().Add(-time.Second), "try again"); err != nil {
		t.Fatal(err)
	}
	next, err := ob.Claim(ctx, "w2", 1, time.Minute)
	if err != nil || len(next) != 1 {
		t.Fatalf("Claim: %d, %v", len(next), err)
	}
	if next[0].ID != signIn.ID {
		t.Errorf("after Release the next claim took %s (due a minute ago), not the sign-in email due since 1970: a given-back message lost its place", next[0].Kind)
	}
}

// testOutboxUntriedKeepsPlace: a message put back untried (it waited for
// a free connection to the mail server and was never tried) is due again
// when it was due before the claim, ahead of a message queued after it
// for the same person, its attempt not counted and why it waits
// recorded; a real failure (Retry) still counts; another worker's
// Untried leaves a claim alone.
func testOutboxUntriedKeepsPlace(t *testing.T, s store.Store) {
	ctx := context.Background()
	ob := outboxOf(t, s)
	lanes := s.(store.OutboxLanes)
	first := signing.Message{ID: signing.NewMessageID(), Kind: signing.MessageEmail, Org: "o", Campaign: "c", Email: "a@example.org",
		Payload: []byte(`{}`), NotBefore: time.Now().Add(-2 * time.Minute)}
	second := first
	second.ID, second.NotBefore = signing.NewMessageID(), time.Now().Add(-time.Minute)
	if err := ob.Enqueue(ctx, []signing.Message{first, second}); err != nil {
		t.Fatalf("Enqueue: %v", err)
	}
	claim := func(worker string) store.OutboxEntry {
		t.Helper()
		es, err := ob.Claim(ctx, worker, 1, time.Minute)
		if err != nil || len(es) != 1 {
			t.Fatalf("Claim: %d, %v; want 1", len(es), err)
		}
		return es[0]
	}
	e := claim("w1")
	if e.ID != first.ID || e.Attempts != 1 {
		t.Fatalf("first claim: %s on attempt %d; want the first message on attempt 1", e.ID, e.Attempts)
	}
	if err := lanes.Untried(ctx, "w2", e, "not mine"); err != nil {
		t.Fatalf("Untried by another worker: %v", err)
	}
	if err := lanes.Untried(ctx, "w1", e, "no free connection (--mail-connections)"); err != nil {
		t.Fatalf("Untried: %v", err)
	}
	if err := lanes.Untried(ctx, "w1", store.OutboxEntry{Message: signing.Message{ID: "nosuchid"}}, "x"); err != nil {
		t.Fatalf("Untried of a message not there: %v", err)
	}
	e = claim("w3")
	if e.ID != first.ID {
		t.Fatalf("after Untried the next claim took the message queued after it: the one put back lost its place")
	}
	if e.Attempts != 1 || e.LastError != "no free connection (--mail-connections)" {
		t.Errorf("put back untried then claimed: attempt %d, last error %q; want attempt 1 (the wait not counted) and why it waited", e.Attempts, e.LastError)
	}
	// A real failure counts.
	if err := ob.Retry(ctx, e.ID, time.Now().Add(-3*time.Minute), "refused"); err != nil {
		t.Fatal(err)
	}
	if e = claim("w4"); e.ID != first.ID || e.Attempts != 2 {
		t.Errorf("after a failure: %s on attempt %d; want the first message on attempt 2", e.ID, e.Attempts)
	}
}

// testOutboxLanesAroundManyLanes: ClaimAround finds every lane not busy
// — lanes sharing an organisation and kind but not a target, an
// organisation but not a kind, and others — and takes their oldest due
// messages across lanes, none of a busy lane and none not yet due. The
// engines step from lane to lane in an index (migration 049); a step
// that skipped a lane would leave its messages unsent while another
// lane was busy.
func testOutboxLanesAroundManyLanes(t *testing.T, s store.Store) {
	ctx := context.Background()
	ob := outboxOf(t, s)
	lanes := s.(store.OutboxLanes)
	all := []store.OutboxLane{
		{Org: "o1", Kind: signing.MessageWebhook, Target: "https://a.example.org/hook"},
		{Org: "o1", Kind: signing.MessageWebhook, Target: "https://b.example.org/hook"},
		{Org: "o1", Kind: signing.MessageWebhook, Target: "https://c.example.org/hook"},
		{Org: "o1", Kind: signing.MessageOSDI, Target: "https://a.example.org/osdi"},
		{Org: "o1", Kind: signing.MessageEmail},
		{Org: "o2", Kind: signing.MessageEmail},
		{Org: "o2", Kind: signing.MessageWebhook, Target: "https://a.example.org/hook"},
		{Org: "o3", Kind: "console-signin"},
	}
	busy := []store.OutboxLane{all[1], all[5]}
	base := time.Now().Add(-time.Hour)
	var msgs []signing.Message
	var want []string // the messages of lanes not busy, oldest due first
	for i := range 3 * len(all) {
		l := all[i%len(all)]
		m := signing.Message{ID: signing.NewMessageID(), Kind: l.Kind, Target: l.Target, Org: l.Org, Campaign: "c",
			Email: "a@example.org", Payload: []byte(`{}`), NotBefore: base.Add(time.Duration(i) * time.Second)}
		msgs = append(msgs, m)
		if !slices.Contains(busy, l) {
			want = append(want, m.ID)
		}
	}
	notYet := signing.Message{ID: signing.NewMessageID(), Kind: all[0].Kind, Target: all[0].Target, Org: all[0].Org, Campaign: "c",
		Payload: []byte(`{}`), NotBefore: time.Now().Add(time.Hour)}
	if err := ob.Enqueue(ctx, append(msgs, notYet)); err != nil {
		t.Fatalf("Enqueue: %v", err)
	}
	ids := func(es []store.OutboxEntry) []string {
		slices.SortFunc(es, func(a, b store.OutboxEntry) int { return a.Due.Compare(b.Due) })
		out := make([]string, len(es))
		for i, e := range es {
			out[i] = e.ID
		}
		return out
	}
	got, err := lanes.ClaimAround(ctx, "w1", 5, time.Minute, busy)
	if err != nil {
		t.Fatalf("ClaimAround: %v", err)
	}
	if g := ids(got); !slices.Equal(g, want[:5]) {
		t.Fatalf("ClaimAround 5 around two busy lanes: got %v, want the 5 oldest of the other lanes %v", g, want[:5])
	}
	if err := lanes.Release(ctx, "w1", got); err != nil {
		t.Fatalf("Release: %v", err)
	}
	got, err = lanes.ClaimAround(ctx, "w1", 100, time.Minute, busy)
	if err != nil {
		t.Fatalf("ClaimAround: %v", err)
	}
	if g := ids(got); !slices.Equal(g, want) {
		t.Errorf("ClaimAround 100 around two busy lanes: got %d messages %v, want every due one of the other lanes %v", len(g), g, want)
	}
}
