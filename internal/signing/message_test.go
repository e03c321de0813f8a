package signing

import (
	"bytes"
	"regexp"
	"testing"
	"time"
)

// Message ids are 26 lower-case base32 characters, never repeat, and sort
// in the order they were made, so the outbox keyed by them grows at its
// end rather than on a random page per message.
func TestMessageIDsSortByTime(t *testing.T) {
	shape := regexp.MustCompile(`^[0-9a-v]{26}$`)
	start := time.Date(2026, 12, 4, 19, 0, 0, 0, time.UTC)
	seen := map[string]bool{}
	prev := ""
	for i := range 2000 {
		// The highest random bytes a millisecond can have, then the
		// lowest the next one can: still in order.
		at := start.Add(time.Duration(i/2) * time.Millisecond)
		fill := byte(0xff)
		if i%2 == 0 {
			fill = 0
		}
		id := messageID(uint64(at.UnixMilli())<<16|0xffff, bytes.NewReader(bytes.Repeat([]byte{fill}, 8)))
		if !shape.MatchString(id) {
			t.Fatalf("id %q is not 26 lower-case base32 characters", id)
		}
		if id <= prev {
			t.Fatalf("id %q made at %v sorts before %q, made earlier", id, at, prev)
		}
		prev = id
	}
	prev = ""
	for range 10000 {
		id := NewMessageID()
		if seen[id] || !shape.MatchString(id) {
			t.Fatalf("NewMessageID gave %q twice or malformed", id)
		}
		seen[id] = true
		// Ids made in one millisecond sort in the order they were made
		// too: a batch's messages append to the index's last page.
		if id <= prev {
			t.Fatalf("NewMessageID gave %q after %q: made later, it sorts before", id, prev)
		}
		prev = id
	}
	// A clock set back never makes an id sort before an earlier one.
	a := nextStamp(start.Add(time.Hour))
	if b := nextStamp(start); b <= a {
		t.Fatalf("after a stamp of %x, a clock set back gave %x", a, b)
	}
}

// NewMessageID is on every signature's path when the outbox is on: one
// allocation, the string itself.
func TestNewMessageIDAllocations(t *testing.T) {
	if raceEnabled {
		t.Log("allocations differ under the race detector: counted by the run without -race (.ci/run: signing budgets)")
		return
	}
	if n := testing.AllocsPerRun(100, func() { _ = NewMessageID() }); n > 1 {
		t.Errorf("NewMessageID makes %.0f allocations; want 1", n)
	}
}

// TestMessageTime: an id tells when it was made, to the millisecond; an
// id it did not make tells nothing.
func TestMessageTime(t *testing.T) {
	at := time.Date(2026, 12, 5, 15, 0, 0, 123_000_000, time.UTC)
	var b [16]byte
	got, ok := MessageTime(encodeMessageID(uint64(at.UnixMilli())<<16|7, &b))
	if !ok || !got.Equal(at) {
		t.Errorf("MessageTime: %v, %v; want %v", got, ok, at)
	}
	for _, bad := range []string{"", "short", "ZZZZZZZZZZZZZZZZZZZZZZZZZZ", "0123456789abcdefghijklmnopqrstuv"} {
		if _, ok := MessageTime(bad); ok {
			t.Errorf("MessageTime(%q) read a time; want none", bad)
		}
	}
}
