package storetest

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// RunRemovals checks store.Removals: a removed campaign's rows are kept
// apart from a later campaign given the same slug.
func RunRemovals(t *testing.T, open Opener) {
	t.Run("KeptApartFromNewCampaign", func(t *testing.T) { testKeepApart(t, open(t)) })
	t.Run("StaleFilesDoNothing", func(t *testing.T) { testKeepApartStale(t, open(t)) })
	t.Run("SecondRemovalSameDay", func(t *testing.T) { testKeepApartTwice(t, open(t)) })
	t.Run("MovedBackForgetsRecord", func(t *testing.T) { testKeepApartMovedBack(t, open(t)) })
	t.Run("StoredCampaigns", func(t *testing.T) { testStoredCampaigns(t, open(t)) })
	t.Run("Concurrent", func(t *testing.T) { testKeepApartConcurrent(t, open(t)) })
	t.Run("OutboxGoesWithRows", func(t *testing.T) { testKeepApartOutbox(t, open(t)) })
	t.Run("SameCampaignReturns", func(t *testing.T) { testSameCampaignReturns(t, open(t)) })
	t.Run("OtherTitleKeptApart", func(t *testing.T) { testOtherTitleKeptApart(t, open(t)) })
	t.Run("ConcurrentReturn", func(t *testing.T) { testReturnConcurrent(t, open(t)) })
	t.Run("RemovedNotApproved", func(t *testing.T) { testRemovedNotApproved(t, open(t)) })
	t.Run("RemovedNotSetApproved", func(t *testing.T) { testRemovedNotSetApproved(t, open(t)) })
	t.Run("CreditsAfterMove", func(t *testing.T) { testCreditsAfterMove(t, open(t)) })
	t.Run("SeenNotRecordedByOlderFiles", func(t *testing.T) { testSeenNotRecorded(t, open(t)) })
}

// testSeenNotRecorded: files read before the load that served a campaign
// (SeenCampaigns) record no removal of it; files read after do. A later
// time seen is kept over an earlier one, and a name seen twice in one
// call is one row.
func testSeenNotRecorded(t *testing.T, s store.Store) {
	ctx := context.Background()
	add(t, s, Sig("o", "x", "ann@example.org"))
	seen := base.Add(2 * time.Hour)
	x := store.CampaignName{Org: "o", Campaign: "x"}
	for _, at := range []time.Time{seen, seen.Add(-time.Hour)} {
		if err := removals(s).SeenCampaigns(ctx, []store.CampaignName{x, x, {Org: "p", Campaign: "x"}}, at); err != nil {
			t.Fatalf("SeenCampaigns: %v", err)
		}
	}
	if recordRemoved(t, s, "x", seen.Add(time.Minute), 0, seen.Add(-time.Minute)) {
		t.Error("RecordRemoved from files read before those that served x: recorded, want nothing")
	}
	if !recordRemoved(t, s, "x", seen.Add(2*time.Minute), 0, seen.Add(time.Minute)) {
		t.Error("RecordRemoved from files read after those that served x: not recorded")
	}
}

func removals(s store.Store) store.Removals { return s.(store.Removals) }

func recordRemoved(t *testing.T, s store.Store, campaign string, at time.Time, days int, loaded time.Time) bool {
	t.Helper()
	return recordRemovedAs(t, s, campaign, "", at, days, loaded)
}

// recordRemovedAs records campaign removed with fingerprint.
func recordRemovedAs(t *testing.T, s store.Store, campaign, fingerprint string, at time.Time, days int, loaded time.Time) bool {
	t.Helper()
	ok, err := removals(s).RecordRemoved(context.Background(), "o", campaign, fingerprint, at, days, loaded)
	if err != nil {
		t.Fatalf("RecordRemoved(o, %s): %v", campaign, err)
	}
	return ok
}

func keepApart(t *testing.T, s store.Store, campaign string, loaded, now time.Time) store.KeptApart {
	t.Helper()
	return keepApartAs(t, s, campaign, store.Fingerprint("the new letter"), loaded, now)
}

// keepApartAs is KeepApart for a returning campaign of that fingerprint.
func keepApartAs(t *testing.T, s store.Store, campaign, fingerprint string, loaded, now time.Time) store.KeptApart {
	t.Helper()
	k, err := removals(s).KeepApart(context.Background(), "o", campaign, fingerprint, loaded, now)
	if err != nil {
		t.Fatalf("KeepApart(o, %s): %v", campaign, err)
	}
	return k
}

func removedList(t *testing.T, s store.Store, org string) []store.RemovedCampaign {
	t.Helper()
	rs, err := removals(s).RemovedCampaigns(context.Background(), org)
	if err != nil {
		t.Fatalf("RemovedCampaigns(%q): %v", org, err)
	}
	return rs
}

// testKeepApart: the letter "x" had public signers, counts, a personal
// link and arrivals; its file is removed and recorded so. A new "x"
// loaded later starts from nothing — no count, no public signer, no
// link — and the old rows stand, whole, under x~removed-<day>, where
// the list, an export and an erasure by address still find them.
func testKeepApart(t *testing.T, s store.Store) {
	ctx := context.Background()
	ann, bob := Sig("o", "x", "ann@example.org"), Sig("o", "x", "bob@example.org")
	ann.Public = true
	add(t, s, ann, bob, Sig("o", "other", "ann@example.org"), Sig("p", "x", "cat@example.org"))
	addCredits(t, s, credit("x", "mastodon", "aaaaaaaaaa", 2))
	if err := s.AddArrivals(ctx, []signing.Arrivals{{Org: "o", Campaign: "x", Source: "mastodon", Count: 7}}); err != nil {
		t.Fatal(err)
	}
	removed := base.Add(24 * time.Hour)
	// Nothing is done for a slug that has no record.
	if k := keepApart(t, s, "x", removed, removed); k.Name != "" || k.Moved() {
		t.Fatalf("KeepApart with no record: %+v, want nothing", k)
	}
	if !recordRemoved(t, s, "x", removed, 30, removed) {
		t.Fatal("RecordRemoved: not recorded")
	}
	if recordRemoved(t, s, "x", removed.Add(time.Hour), 30, removed.Add(time.Hour)) {
		t.Error("RecordRemoved a second time: recorded again, want the first record kept")
	}
	got := removedList(t, s, "o")
	if len(got) != 1 || got[0].Name != "x" || got[0].Campaign != "x" || !got[0].RemovedAt.Equal(removed) ||
		got[0].RetentionDays != 30 || !got[0].KeptApartAt.IsZero() || got[0].Signatures != 2 {
		t.Fatalf("RemovedCampaigns(o) after the removal: %+v, want x with 2 signatures, not yet kept apart", got)
	}
	if want := removed.AddDate(0, 0, 30); !got[0].PurgeAt().Equal(want) {
		t.Errorf("PurgeAt: %v, want %v", got[0].PurgeAt(), want)
	}
	if other := removedList(t, s, "p"); len(other) != 0 {
		t.Errorf("RemovedCampaigns(p): %+v, want none (another organisation)", other)
	}

	back := removed.Add(48 * time.Hour)
	k := keepApart(t, s, "x", back, back)
	wantName := "x~removed-" + removed.Format("20060102")
	if k.Name != wantName || k.Signatures != 2 || k.Duplicates != 0 || k.Rows == 0 {
		t.Fatalf("KeepApart: %+v, want 2 signatures moved to %s", k, wantName)
	}
	if !store.IsKeptApart(k.Name) || store.IsKeptApart("x") {
		t.Errorf("IsKeptApart(%q) false or IsKeptApart(x) true", k.Name)
	}
	wantCounts(t, s,
		signing.Count{Org: "o", Campaign: "other", Signatures: 1},
		signing.Count{Org: "o", Campaign: wantName, Signatures: 2},
		signing.Count{Org: "p", Campaign: "x", Signatures: 1})
	if ps, err := s.PublicSigners(ctx, "o", "x", 10); err != nil || len(ps) != 0 {
		t.Errorf("PublicSigners(o, x) after keeping apart: %+v, %v; want none: they signed another letter", ps, err)
	}
	if got := emails(t, s, "o", "x", ""); len(got) != 0 {
		t.Errorf("signatures left under x: %v", got)
	}
	if got := slices.Sorted(slices.Values(emails(t, s, "o", wantName, ""))); !slices.Equal(got, []string{"ann@example.org", "bob@example.org"}) {
		t.Errorf("signatures kept apart: %v", got)
	}
	wantSources(t, s, "x")
	wantSources(t, s, wantName, signing.SourceCount{Source: "mastodon", Arrivals: 7, Signatures: 2})
	wantNoReferral(t, s, "x", "aaaaaaaaaa", nil)
	got = removedList(t, s, "")
	if len(got) != 1 || got[0].Name != wantName || got[0].Campaign != "x" || !got[0].KeptApartAt.Equal(back) || got[0].Signatures != 2 {
		t.Fatalf("RemovedCampaigns after keeping apart: %+v, want %s kept apart at %v with 2 signatures", got, wantName, back)
	}
	// Again (a reload, another instance): nothing more.
	if k := keepApart(t, s, "x", back, back); k.Name != "" || k.Moved() {
		t.Errorf("second KeepApart: %+v, want nothing", k)
	}
	// The new x signs from nothing; ann may sign it too.
	add(t, s, Sig("o", "x", "ann@example.org"))
	// An erasure by address reaches the kept-apart rows too.
	n, err := s.Erase(ctx, "bob@example.org")
	if err != nil || n != 1 {
		t.Fatalf("Erase(bob): %d, %v; want 1", n, err)
	}
	if got := emails(t, s, "o", wantName, ""); !slices.Equal(got, []string{"ann@example.org"}) {
		t.Errorf("kept apart after erasing bob: %v", got)
	}
	// The retention purge erases them by that name, keeping the counts.
	if n, err := s.Purge(ctx, "o", wantName); err != nil || n != 1 {
		t.Fatalf("Purge(o, %s): %d, %v; want 1", wantName, n, err)
	}
	if got := emails(t, s, "o", "x", ""); !slices.Equal(got, []string{"ann@example.org"}) {
		t.Errorf("the new x after the purge of the kept-apart rows: %v, want ann's new signature", got)
	}
}

// testKeepApartStale: files loaded before a removal was recorded (an
// instance still serving the old campaign) keep nothing apart, and files
// loaded before a campaign came back (an instance that has not seen it
// yet) record no removal of the campaign now serving elsewhere.
func testKeepApartStale(t *testing.T, s store.Store) {
	add(t, s, Sig("o", "x", "ann@example.org"))
	loadedOld := base
	removed := base.Add(time.Hour)
	recordRemoved(t, s, "x", removed, 0, removed)
	if k := keepApart(t, s, "x", loadedOld, removed.Add(time.Minute)); k.Name != "" || k.Moved() {
		t.Fatalf("KeepApart from files loaded before the removal: %+v, want nothing", k)
	}
	wantCounts(t, s, signing.Count{Org: "o", Campaign: "x", Signatures: 1})
	back := removed.Add(time.Hour)
	if k := keepApart(t, s, "x", back, back); k.Signatures != 1 {
		t.Fatalf("KeepApart from newer files: %+v, want ann's signature", k)
	}
	add(t, s, Sig("o", "x", "bob@example.org")) // the new x
	// An instance loaded between the removal and the return still lacks x.
	if recordRemoved(t, s, "x", back.Add(time.Minute), 0, removed.Add(time.Minute)) {
		t.Error("RecordRemoved from files loaded before x came back: recorded, want nothing (x serves elsewhere)")
	}
	if k := keepApart(t, s, "x", back.Add(2*time.Hour), back.Add(2*time.Hour)); k.Moved() {
		t.Errorf("KeepApart of the live x: %+v, want nothing", k)
	}
	if got := emails(t, s, "o", "x", ""); !slices.Equal(got, []string{"bob@example.org"}) {
		t.Errorf("the live x: %v, want bob's signature", got)
	}
	// Files loaded after the return may record a new removal.
	later := back.Add(3 * time.Hour)
	if !recordRemoved(t, s, "x", later, 0, later) {
		t.Error("RecordRemoved from files loaded after the return: not recorded")
	}
}

// testKeepApartTwice: a slug removed, back, removed and back on one day
// gets a second kept-apart name; the two letters' signers never merge.
func testKeepApartTwice(t *testing.T, s store.Store) {
	add(t, s, Sig("o", "x", "ann@example.org"))
	at := base
	recordRemoved(t, s, "x", at, 0, at)
	first := keepApart(t, s, "x", at.Add(time.Minute), at.Add(time.Minute))
	add(t, s, Sig("o", "x", "ann@example.org"))
	recordRemoved(t, s, "x", at.Add(2*time.Minute), 0, at.Add(2*time.Minute))
	second := keepApart(t, s, "x", at.Add(3*time.Minute), at.Add(3*time.Minute))
	if first.Name == second.Name || second.Name != store.KeptApartName("x", at, 2) || second.Signatures != 1 || second.Duplicates != 0 {
		t.Fatalf("two removals on one day: %+v then %+v, want two names and ann counted under each", first, second)
	}
	wantCounts(t, s,
		signing.Count{Org: "o", Campaign: first.Name, Signatures: 1},
		signing.Count{Org: "o", Campaign: second.Name, Signatures: 1})
	if got := removedList(t, s, "o"); len(got) != 2 {
		t.Errorf("RemovedCampaigns: %+v, want two records", got)
	}
}

// testKeepApartMovedBack: the same campaign came back, and the operator
// moves its rows back by hand (placard signatures move): the record goes
// with them, and a removal recorded before the return is forgotten by a
// rename of the slug too.
func testKeepApartMovedBack(t *testing.T, s store.Store) {
	add(t, s, Sig("o", "x", "ann@example.org"), Sig("o", "y", "bob@example.org"))
	recordRemoved(t, s, "x", base, 0, base)
	recordRemoved(t, s, "y", base, 0, base)
	k := keepApart(t, s, "x", base.Add(time.Hour), base.Add(time.Hour))
	add(t, s, Sig("o", "x", "ann@example.org"), Sig("o", "x", "cat@example.org"))
	r := move(t, s, k.Name, "x")
	if r.Signatures != 1 || r.Duplicates != 1 {
		t.Errorf("moving back: %+v, want ann counted once", r)
	}
	move(t, s, "y", "z") // y was renamed to z after all
	if got := removedList(t, s, "o"); len(got) != 0 {
		t.Errorf("RemovedCampaigns after moving both back: %+v, want none", got)
	}
	wantCounts(t, s,
		signing.Count{Org: "o", Campaign: "x", Signatures: 2},
		signing.Count{Org: "o", Campaign: "z", Signatures: 1})
}

// testStoredCampaigns: every name holding a count is listed once, in
// byte order, whatever counted it.
func testStoredCampaigns(t *testing.T, s store.Store) {
	ctx := context.Background()
	add(t, s, Sig("o", "signed", "ann@example.org"), Sig("o", "signed", "bob@example.org"), Sig("b", "signed", "ann@example.org"))
	if err := s.AddArrivals(ctx, []signing.Arrivals{{Org: "o", Campaign: "visited", Source: "x", Count: 1}}); err != nil {
		t.Fatal(err)
	}
	// Outreach rows, several per campaign (targets, hours), in three
	// campaigns of two organisations.
	for i, c := range []store.CampaignName{{Org: "o", Campaign: "called"}, {Org: "o", Campaign: "called"}, {Org: "a", Campaign: "rang"},
		{Org: "o", Campaign: "zz-called"}, {Org: "o", Campaign: "called"}} {
		if err := s.(store.Outreach).RecordOutreach(ctx, store.OutreachEvent{Org: c.Org, Campaign: c.Campaign, Action: "call",
			Target: []string{"mp", "mayor"}[i%2], Kind: store.OutreachCall, Outcome: "staff", At: base.Add(time.Duration(i) * time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := removals(s).StoredCampaigns(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []store.CampaignName{{Org: "a", Campaign: "rang"}, {Org: "b", Campaign: "signed"}, {Org: "o", Campaign: "called"},
		{Org: "o", Campaign: "signed"}, {Org: "o", Campaign: "visited"}, {Org: "o", Campaign: "zz-called"}}
	if !slices.Equal(got, want) {
		t.Errorf("StoredCampaigns: %v, want %v", got, want)
	}
}

// testKeepApartConcurrent: several instances loading the campaign come
// back at once move its rows once, under one name.
func testKeepApartConcurrent(t *testing.T, s store.Store) {
	add(t, s, Sig("o", "x", "ann@example.org"), Sig("o", "x", "bob@example.org"))
	recordRemoved(t, s, "x", base, 0, base)
	const n = 4
	results := make([]store.KeptApart, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			results[i], errs[i] = removals(s).KeepApart(context.Background(), "o", "x", "", base.Add(time.Hour), base.Add(time.Hour))
		})
	}
	wg.Wait()
	moved := 0
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("KeepApart %d: %v", i, errs[i])
		}
		moved += results[i].Signatures
	}
	if moved != 2 {
		t.Errorf("KeepApart from %d instances at once: %+v, want the 2 signatures moved once", n, results)
	}
	wantCounts(t, s, signing.Count{Org: "o", Campaign: store.KeptApartName("x", base, 1), Signatures: 2})
}

// testKeepApartOutbox: the undelivered messages of a removed campaign's
// signers (its confirmation and thank-you emails, its CRM records, still
// bundled as signing wrote them) go with its rows. Left under the slug,
// an email was written with the NEW campaign's title — a thank-you for
// a letter its reader never signed —, a CRM record lost the consent it
// is sent on (its signature was no longer under that name), and the
// retention purge of the kept-apart name left them, signers' addresses
// and details, in the outbox.
func testKeepApartOutbox(t *testing.T, s store.Store) {
	ctx := context.Background()
	ob := outboxOf(t, s)
	ann := Sig("o", "x", "ann@example.org")
	mail, hook := Msg("o", "x", "ann@example.org"), Msg("o", "x", "ann@example.org")
	mail.Kind, mail.Target = signing.MessageEmail, ""
	ann.Outbox = []signing.Message{mail, hook}
	other := Sig("o", "other", "bob@example.org")
	keep := Msg("o", "other", "bob@example.org")
	other.Outbox = []signing.Message{keep}
	add(t, s, ann, other)
	removed := base.Add(24 * time.Hour)
	if !recordRemoved(t, s, "x", removed, 30, removed) {
		t.Fatal("RecordRemoved: not recorded")
	}
	k := keepApart(t, s, "x", removed.Add(time.Hour), removed.Add(time.Hour))
	if k.Name == "" {
		t.Fatalf("KeepApart: %+v, want the rows moved", k)
	}
	es, err := ob.List(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		want := k.Name
		if e.ID == keep.ID {
			want = "other"
		}
		if e.Campaign != want {
			t.Errorf("message %s (%s) after keeping x apart: under %q, want %q", e.ID, e.Kind, e.Campaign, want)
		}
	}
	if len(es) != 3 {
		t.Errorf("outbox after keeping apart: %d messages, want 3 (none lost)", len(es))
	}
	if _, err := s.Purge(ctx, "o", k.Name); err != nil {
		t.Fatal(err)
	}
	if got, want := outboxIDs(t, ob, ""), sortedIDs(keep); !slices.Equal(got, want) {
		t.Errorf("outbox after purging %s: %v, want only the other campaign's %v", k.Name, got, want)
	}
}

// testSameCampaignReturns: a campaign whose file was missing for one load
// (a checkout unlinking and re-creating it, a hand mv away and back, a
// rollback) comes back with the title it was removed with: it is the
// same campaign, so its record is dropped and its signers, counts and
// public list stay with it. Before, its rows were moved aside and its
// page showed 0.
func testSameCampaignReturns(t *testing.T, s store.Store) {
	ctx := context.Background()
	ann, bob := Sig("o", "x", "ann@example.org"), Sig("o", "x", "bob@example.org")
	ann.Public = true
	add(t, s, ann, bob)
	fp := store.Fingerprint("Save the pool")
	removed := base.Add(time.Hour)
	if !recordRemovedAs(t, s, "x", fp, removed, 30, removed) {
		t.Fatal("RecordRemoved: not recorded")
	}
	// Files older than the removal decide nothing, same title or not.
	if k := keepApartAs(t, s, "x", fp, base, removed); k.Returned || k.Name != "" {
		t.Fatalf("KeepApart from files older than the removal: %+v, want nothing", k)
	}
	back := removed.Add(time.Minute)
	k := keepApartAs(t, s, "x", store.Fingerprint("Save the pool"), back, back)
	if !k.Returned || k.Name != "" || k.Moved() {
		t.Fatalf("KeepApart of the same campaign back: %+v, want Returned and nothing moved", k)
	}
	wantCounts(t, s, signing.Count{Org: "o", Campaign: "x", Signatures: 2})
	if ps, err := s.PublicSigners(ctx, "o", "x", 10); err != nil || len(ps) != 1 {
		t.Errorf("PublicSigners(o, x) after the same campaign came back: %+v, %v; want ann", ps, err)
	}
	if got := removedList(t, s, ""); len(got) != 0 {
		t.Errorf("RemovedCampaigns after the same campaign came back: %+v, want none", got)
	}
	// Nothing more at the next load; removed again later, it is recorded again.
	if k := keepApartAs(t, s, "x", fp, back, back); k.Returned || k.Name != "" {
		t.Errorf("second KeepApart: %+v, want nothing", k)
	}
	// An instance still on files read before the return (the one that
	// recorded the removal, settling for its daily purge) records
	// nothing: x is back elsewhere. It recorded the removal again before
	// (campaign_returns, migration 035).
	if recordRemovedAs(t, s, "x", fp, back.Add(time.Minute), 30, removed) {
		t.Error("RecordRemoved from files loaded before the return: recorded, want nothing (x is back)")
	}
	later := back.Add(time.Hour)
	if !recordRemovedAs(t, s, "x", fp, later, 30, later) {
		t.Error("RecordRemoved after the return: not recorded")
	}
}

// testOtherTitleKeptApart: a campaign back under the slug with another
// title is another letter, and a record with no fingerprint (removed
// while stopped: the old file unknown) matches nothing, so the rows are
// kept apart as before.
func testOtherTitleKeptApart(t *testing.T, s store.Store) {
	add(t, s, Sig("o", "x", "ann@example.org"), Sig("o", "y", "bob@example.org"))
	removed := base.Add(time.Hour)
	recordRemovedAs(t, s, "x", store.Fingerprint("Save the pool"), removed, 0, removed)
	recordRemovedAs(t, s, "y", "", removed, 0, removed)
	back := removed.Add(time.Minute)
	if k := keepApartAs(t, s, "x", store.Fingerprint("Close the pool"), back, back); k.Returned || k.Signatures != 1 {
		t.Errorf("KeepApart of x with another title: %+v, want its signature kept apart", k)
	}
	if k := keepApartAs(t, s, "y", "", back, back); k.Returned || k.Signatures != 1 {
		t.Errorf("KeepApart of y with no fingerprint either side: %+v, want its signature kept apart", k)
	}
	wantCounts(t, s,
		signing.Count{Org: "o", Campaign: store.KeptApartName("x", removed, 1), Signatures: 1},
		signing.Count{Org: "o", Campaign: store.KeptApartName("y", removed, 1), Signatures: 1})
}

// testReturnConcurrent: several instances loading the same campaign come
// back at once: one drops the record, none moves a row.
func testReturnConcurrent(t *testing.T, s store.Store) {
	add(t, s, Sig("o", "x", "ann@example.org"), Sig("o", "x", "bob@example.org"))
	fp := store.Fingerprint("Save the pool")
	recordRemovedAs(t, s, "x", fp, base, 0, base)
	const n = 4
	results := make([]store.KeptApart, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			results[i], errs[i] = removals(s).KeepApart(context.Background(), "o", "x", fp, base.Add(time.Hour), base.Add(time.Hour))
		})
	}
	wg.Wait()
	returned := 0
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("KeepApart %d: %v", i, errs[i])
		}
		if results[i].Returned {
			returned++
		}
		if results[i].Name != "" || results[i].Moved() {
			t.Errorf("KeepApart %d: %+v, want nothing moved", i, results[i])
		}
	}
	if returned != 1 {
		t.Errorf("KeepApart from %d instances at once: %d said Returned, want 1", n, returned)
	}
	wantCounts(t, s, signing.Count{Org: "o", Campaign: "x", Signatures: 2})
}
