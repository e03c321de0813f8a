package bundle

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/placard/placard/internal/signing"
)

// thanks is a message like the thank-you email a signature queues
// (mail.NewMessage: the payload names the template, language and link).
func thanks(email, ref string) signing.Message {
	return signing.Message{ID: signing.NewMessageID(), Kind: signing.MessageEmail, Email: email, Org: "northgate-tenants",
		Campaign: "tell-the-courier", Payload: []byte(`{"template":"thanks","lang":"en","ref":"` + ref + `"}`)}
}

// batch is n signatures with a thank-you email each, in order.
func batch(n int) ([]*signing.Signature, []int) {
	sigs := make([]*signing.Signature, n)
	order := make([]int, n)
	for i := range sigs {
		email := fmt.Sprintf("signer%d@example.org", i)
		sigs[i] = &signing.Signature{Email: email, Outbox: []signing.Message{thanks(email, fmt.Sprintf("k3v9q2m7x%04d", i))}}
		order[i] = i
	}
	return sigs, order
}

func same(a, b signing.Message) bool {
	return a.ID == b.ID && a.Kind == b.Kind && a.Target == b.Target && a.Email == b.Email && a.Org == b.Org &&
		a.Campaign == b.Campaign && bytes.Equal(a.Payload, b.Payload) && a.NotBefore.Equal(b.NotBefore)
}

// TestRoundTrip: every field comes back exactly — equal to the previous
// message's, empty, different — and only the places kept.
func TestRoundTrip(t *testing.T) {
	a := &signing.Signature{Outbox: []signing.Message{
		thanks("a@example.org", "ref1"),
		{ID: signing.NewMessageID(), Kind: signing.MessageWebhook, Target: "https://crm.example.org/h", Email: "a@example.org",
			Org: "northgate-tenants", Payload: []byte(`{"email":"a@example.org"}`)},
		{ID: "x", Kind: "email", Email: "a@example.org.uk", Payload: nil},
		{ID: "x2", Kind: "email", Email: "a@example", Payload: []byte("{}"), NotBefore: time.Date(2030, 1, 2, 3, 4, 5, 6000, time.UTC)},
	}}
	b := &signing.Signature{Outbox: []signing.Message{thanks("b@example.org", "ref2")}}
	c := &signing.Signature{Outbox: []signing.Message{thanks("c@example.org", "ref2")}}
	sigs := []*signing.Signature{a, b, c}
	packed := Append(nil, sigs, []int{2, 0, 1}) // c at place 1, a at 2, b at 3
	if len(packed) > Size(sigs) {
		t.Errorf("Size %d under the %d bytes written", Size(sigs), len(packed))
	}
	if packed[0] != Version {
		t.Errorf("version byte %d, want %d", packed[0], Version)
	}
	got, err := Read(packed, func(p uint64) bool { return p != 3 })
	if err != nil {
		t.Fatal(err)
	}
	want := append([]signing.Message{c.Outbox[0]}, a.Outbox...)
	want[3].Payload = []byte{}
	if len(got) != len(want) {
		t.Fatalf("got %d messages, want %d", len(got), len(want))
	}
	for i := range want {
		if !same(got[i], want[i]) {
			t.Errorf("message %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
	// A message read does not share bytes with the bundle.
	clear(packed)
	if !same(got[0], want[0]) {
		t.Error("a message read changed when its bundle's bytes did")
	}
}

// TestVersion1: a bundle packed before fields could repeat the previous
// message's is still read.
func TestVersion1(t *testing.T) {
	b := []byte{1, 1}
	for _, f := range []string{"id1", "email", "", "a@example.org", "o", "c", `{"x":1}`} {
		b = append(append(b, byte(len(f))), f...)
	}
	b = append(b, 0)
	got, err := Read(b, All)
	if err != nil || len(got) != 1 || got[0].ID != "id1" || got[0].Email != "a@example.org" || string(got[0].Payload) != `{"x":1}` {
		t.Errorf("version 1 bundle: %+v, %v", got, err)
	}
}

// TestDamaged: a damaged bundle is an error, never a panic or a message
// made up.
func TestDamaged(t *testing.T) {
	sigs, order := batch(3)
	packed := Append(nil, sigs, order)
	for n := range len(packed) {
		if ms, err := Read(packed[:n], All); err == nil && len(ms) == 3 {
			t.Errorf("a bundle cut to %d of %d bytes was read whole", n, len(packed))
		}
	}
	first := func(fields ...byte) []byte { return append([]byte{Version, 1}, fields...) }
	for name, b := range map[string][]byte{
		"unknown version":               {Version + 1, 1, 1, 1, 1, 1, 1, 1, 1, 0},
		"first field as the previous's": first(0, 1, 1, 1, 1, 1, 1, 0),
		"field longer than the bundle":  first(0xff, 0xff, 0xff, 0xff, 0x0f),
		// Due in years no engine stores (math.MinInt64 and MaxInt64 µs).
		"due before the year 1": first(1, 1, 1, 1, 1, 1, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01),
		"due after 9999":        first(1, 1, 1, 1, 1, 1, 1, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01),
		"an id not UTF-8":       first(2, 0xff, 1, 1, 1, 1, 1, 1, 0),
		"an address with a NUL": first(1, 1, 1, 2, 0, 1, 1, 1, 0),
	} {
		if ms, err := Read(b, All); err == nil {
			t.Errorf("%s: read as %+v", name, ms)
		}
	}
}

// TestCompact: a batch's thank-you emails share their kind, target,
// organisation and campaign, written once: a message costs about its id,
// address and payload, at most budgetBytesPerThanks bytes (measured: 110).
func TestCompact(t *testing.T) {
	sigs, order := batch(64)
	packed := Append(nil, sigs, order)
	per := float64(len(packed)) / 64
	t.Logf("%.1f bytes per thank-you email in a batch of 64", per)
	if per > budgetBytesPerThanks {
		t.Errorf("a thank-you email takes %.1f bytes of its bundle; budget %d", per, budgetBytesPerThanks)
	}
	got, err := Read(packed, All)
	if err != nil || len(got) != 64 {
		t.Fatalf("Read: %d messages, %v", len(got), err)
	}
	for i := range got {
		if !same(got[i], sigs[i].Outbox[0]) {
			t.Errorf("message %d: %+v, want %+v", i, got[i], sigs[i].Outbox[0])
		}
	}
}

// budgetBytesPerThanks bounds a thank-you email's bytes in a bundle of 64
// (TestCompact).
const budgetBytesPerThanks = 115

// TestAppendAllocations: packing into a buffer with room allocates
// nothing, whatever the batch.
func TestAppendAllocations(t *testing.T) {
	sigs, order := batch(64)
	buf := make([]byte, 0, Size(sigs))
	if n := testing.AllocsPerRun(20, func() { buf = Append(buf[:0], sigs, order) }); n != 0 {
		t.Errorf("Append makes %.0f allocations into a buffer with room; want 0", n)
	}
}

// FuzzRead: any bytes are read or refused, never a panic; what Append
// wrote is read back the same.
func FuzzRead(f *testing.F) {
	sigs, order := batch(3)
	f.Add(Append(nil, sigs, order))
	f.Add([]byte{1, 1, 0, 0, 0, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		ms, err := Read(b, All)
		if err != nil {
			return
		}
		// What was read packs and reads back the same.
		var again []*signing.Signature
		for _, m := range ms {
			again = append(again, &signing.Signature{Outbox: []signing.Message{m}})
		}
		order := make([]int, len(again))
		for i := range order {
			order[i] = i
		}
		back, err := Read(Append(nil, again, order), All)
		if err != nil || len(back) != len(ms) {
			t.Fatalf("read back %d of %d messages: %v", len(back), len(ms), err)
		}
		for i := range ms {
			if !same(back[i], ms[i]) {
				t.Errorf("message %d: %+v, want %+v", i, back[i], ms[i])
			}
		}
	})
}
