package postgres

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store/storetest"
)

// TestBundleRoundTrip: a batch's messages come back from their bundle
// exactly, only those of the places inserted, in order.
func TestBundleRoundTrip(t *testing.T) {
	a, b, c := storetest.Sig("o", "c", "a@example.org"), storetest.Sig("o", "c", "b@example.org"), storetest.Sig("o", "d", "c@example.org")
	a.Outbox = []signing.Message{storetest.Msg("o", "c", "a@example.org"), {ID: signing.NewMessageID(), Kind: "email", Email: "a@example.org", Org: "o"},
		storetest.Msg("o", "c", "a@example.org")}
	a.Outbox[2].Payload = a.Outbox[0].Payload // the same bytes as the previous but one
	b.Outbox = []signing.Message{storetest.Msg("o", "c", "b@example.org")}
	c.Outbox = []signing.Message{storetest.Msg("o", "d", "c@example.org")}
	c.Outbox[0].NotBefore = time.Date(2030, 1, 2, 3, 4, 5, 6000, time.UTC)
	sigs := []*signing.Signature{a, b, c}
	order := []int{2, 0, 1} // c at place 1, a at 2, b at 3
	packed := appendBundle(nil, sigs, order)
	if len(packed) > bundleSize(sigs) {
		t.Errorf("bundleSize %d under the %d bytes written", bundleSize(sigs), len(packed))
	}
	got, err := readBundle(packed, []int64{1, 2})
	if err != nil {
		t.Fatal(err)
	}
	want := []signing.Message{c.Outbox[0], a.Outbox[0], a.Outbox[1], a.Outbox[2]}
	want[2].Payload = []byte{}
	if len(got) != len(want) {
		t.Fatalf("got %d messages, want %d", len(got), len(want))
	}
	for i := range want {
		if g, w := got[i], want[i]; g.ID != w.ID || g.Kind != w.Kind || g.Target != w.Target || g.Email != w.Email ||
			g.Org != w.Org || g.Campaign != w.Campaign || string(g.Payload) != string(w.Payload) || !g.NotBefore.Equal(w.NotBefore) {
			t.Errorf("message %d:\n got %+v\nwant %+v", i, g, w)
		}
	}
}

// TestBundleVersion1: a bundle packed before fields could repeat the
// previous message's is still read.
func TestBundleVersion1(t *testing.T) {
	b := []byte{1, 1}
	for _, f := range []string{"id1", "email", "", "a@example.org", "o", "c", `{"x":1}`} {
		b = append(append(b, byte(len(f))), f...)
	}
	b = append(b, 0)
	got, err := readBundle(b, []int64{1})
	if err != nil || len(got) != 1 || got[0].ID != "id1" || got[0].Email != "a@example.org" || string(got[0].Payload) != `{"x":1}` {
		t.Errorf("version 1 bundle: %+v, %v", got, err)
	}
}

// TestBundleDamaged: a damaged bundle is an error, never a panic or a
// message made up.
func TestBundleDamaged(t *testing.T) {
	a := storetest.Sig("o", "c", "a@example.org")
	a.Outbox = []signing.Message{storetest.Msg("o", "c", "a@example.org")}
	packed := appendBundle(nil, []*signing.Signature{a}, []int{0})
	for n := range len(packed) {
		if _, err := readBundle(packed[:n], []int64{1}); err == nil && n > 1 {
			t.Errorf("a bundle cut to %d of %d bytes was read", n, len(packed))
		}
	}
	bad := slices.Clone(packed)
	bad[0] = 9
	if _, err := readBundle(bad, []int64{1}); err == nil {
		t.Error("a bundle of an unknown version was read")
	}
	if _, err := readBundle([]byte{bundleVersion, 1, 0, 1, 1, 1, 1, 1, 1, 0}, []int64{1}); err == nil {
		t.Error("a first message \"the same as the previous one\" was read")
	}
	huge := append([]byte{bundleVersion, 1}, 0xff, 0xff, 0xff, 0xff, 0x0f)
	if _, err := readBundle(huge, []int64{1}); err == nil {
		t.Error("a field longer than the bundle was read")
	}
}

// TestBundleErasedOnDisk: after an erasure, the table of bundles and its
// TOAST table are rewritten empty — a bundle is compressed, so its
// address would not show as plain bytes, but its dead copy would still
// hold it.
func TestBundleErasedOnDisk(t *testing.T) {
	ctx := context.Background()
	db := openDB(ctx, t, migratedDSN(t))
	var sigs []*signing.Signature
	for _, e := range []string{"gone@example.org", "other@example.org"} {
		s := storetest.Sig("o", "c", e)
		s.Outbox = []signing.Message{storetest.Msg("o", "c", e)}
		sigs = append(sigs, s)
	}
	if _, err := db.AddSignatures(ctx, sigs); err != nil {
		t.Fatal(err)
	}
	size := func() (n int64) {
		if err := db.pool.QueryRow(ctx, `SELECT pg_relation_size(oid) + coalesce(pg_relation_size(nullif(reltoastrelid, 0)), 0)
			FROM pg_class WHERE relname = 'outbox_bundles'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if size() == 0 {
		t.Fatal("signing wrote no bundle")
	}
	if _, err := db.Erase(ctx, "gone@example.org"); err != nil {
		t.Fatal(err)
	}
	if n := size(); n != 0 {
		t.Errorf("after Erase the bundles' table and its TOAST hold %d bytes; want 0 (rewritten)", n)
	}
	es, err := db.List(ctx, "")
	if err != nil || len(es) != 1 || es[0].Email != "other@example.org" {
		t.Errorf("after Erase the outbox holds %+v, %v; want the other signer's message", es, err)
	}
}

// TestBundleArgsAllocations: a batch's messages go to the server in one
// buffer: packing them allocates per batch, not per message.
func TestBundleArgsAllocations(t *testing.T) {
	if raceEnabled {
		t.Log("allocations differ under the race detector: counted by the run without -race (.ci/run: signing budgets)")
		return
	}
	sigs := make([]*signing.Signature, 64)
	order := make([]int, len(sigs))
	for i := range sigs {
		sigs[i] = storetest.Sig("o", "c", "s@example.org")
		sigs[i].Outbox = []signing.Message{storetest.Msg("o", "c", "s@example.org")}
		order[i] = i
	}
	args := make([]any, 0, 24)
	allocs := testing.AllocsPerRun(20, func() { _ = appendOutboxArgs(args, sigs, order) })
	if allocs > 3 {
		t.Errorf("packing a batch of %d messages makes %.0f allocations; want at most 3", len(sigs), allocs)
	}
}

// TestBundleCompressedWithLZ4: on a server that has lz4, bundles are
// compressed with it (migration 018), the cheaper of the two.
func TestBundleCompressedWithLZ4(t *testing.T) {
	ctx := context.Background()
	db := openDB(ctx, t, migratedDSN(t))
	if _, err := db.pool.Exec(ctx, `SET default_toast_compression = lz4`); err != nil {
		t.Skipf("this server has no lz4: %v", err)
	}
	var method string
	if err := db.pool.QueryRow(ctx, `SELECT attcompression::text FROM pg_attribute
		WHERE attrelid = 'outbox_bundles'::regclass AND attname = 'messages'`).Scan(&method); err != nil {
		t.Fatal(err)
	}
	if method != "l" {
		t.Errorf("outbox_bundles.messages compression %q; want l (lz4)", method)
	}
}
