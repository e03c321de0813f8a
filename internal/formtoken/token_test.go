package formtoken

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"regexp"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

// TestCheckAges: a token signs from MinAge to MaxAge old; younger is
// Fresh, older (or from well in the future) Expired, and the issue time
// comes back whenever the MAC holds.
func TestCheckAges(t *testing.T) {
	s := New([]byte("k"))
	tok := s.Issue("o/c", t0)
	for _, c := range []struct {
		name string
		age  time.Duration
		want Problem
	}{
		{"at once", 0, Fresh},
		{"just too young", MinAge - time.Nanosecond, Fresh},
		{"exactly MinAge", MinAge, OK},
		{"an hour", time.Hour, OK},
		{"exactly MaxAge", MaxAge, OK},
		{"past MaxAge", MaxAge + time.Nanosecond, Expired},
		{"a minute ahead", -time.Minute, Fresh},
		{"well in the future", -time.Minute - time.Nanosecond, Expired},
	} {
		p, issued := s.Check("o/c", tok, t0.Add(c.age))
		if p != c.want || !issued.Equal(t0) {
			t.Errorf("%s: got %v issued %v, want %v issued %v", c.name, p, issued, c.want, t0)
		}
	}
}

// TestCheckRefusesForgeries: no token, a malformed one, one for another
// campaign or signed with another key are refused without an issue time.
func TestCheckRefusesForgeries(t *testing.T) {
	s := New([]byte("k"))
	now := t0.Add(time.Minute)
	tok := s.Issue("o/c", t0)
	flipped := []byte(tok)
	flipped[Len-1] ^= 1
	for _, c := range []struct {
		name, tok string
		want      Problem
	}{
		{"missing", "", Missing},
		{"short", tok[:Len-1], Forged},
		{"long", tok + "A", Forged},
		{"not base64", strings.Repeat("!", Len), Forged},
		{"tampered", string(flipped), Forged},
		{"all A", strings.Repeat("A", Len), Forged},
		{"another campaign", s.Issue("o/other", t0), Forged},
		{"another key", New([]byte("another installation's key")).Issue("o/c", t0), Forged},
		{"the placeholder", Placeholder, Forged},
	} {
		if p, issued := s.Check("o/c", c.tok, now); p != c.want || !issued.IsZero() {
			t.Errorf("%s: got %v issued %v, want %v and no issue time", c.name, p, issued, c.want)
		}
	}
}

// TestIssueShape: a token is Len URL-safe characters (spliced into cached
// pages in the placeholder's place), the same within one second and
// different the next.
func TestIssueShape(t *testing.T) {
	s := New([]byte("k"))
	shape := regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
	if len(Placeholder) != Len || !shape.MatchString(Placeholder) {
		t.Fatalf("Placeholder %q: want %d URL-safe characters", Placeholder, Len)
	}
	a, b, c := s.Issue("o/c", t0), s.Issue("o/c", t0.Add(999*time.Millisecond)), s.Issue("o/c", t0.Add(time.Second))
	if len(a) != Len || !shape.MatchString(a) {
		t.Errorf("token %q: want %d URL-safe characters", a, Len)
	}
	if a != b || a == c {
		t.Errorf("tokens %q %q %q: want the first two equal (one second), the third different", a, b, c)
	}
}

// TestMintAged is how tests outside the package sign at once: a token
// minted with the server's secret and back-dated by MinAge is good now.
func TestMintAged(t *testing.T) {
	secret := []byte("abuse-test-secret-0123456789abcdef")
	now := time.Now()
	tok := New(secret).Issue("o/c", now.Add(-MinAge))
	if p, _ := New(secret).Check("o/c", tok, now); p != OK {
		t.Errorf("a token minted MinAge ago: got %v, want OK", p)
	}
}

// TestMACIsHMAC: the token's MAC, worked out on the stack from the
// secret's pads, is HMAC-SHA256 as crypto/hmac computes it, for secrets
// shorter than, as long as and longer than SHA-256's block, and paths up
// to and past the stack buffer.
func TestMACIsHMAC(t *testing.T) {
	stamp := []byte{0, 0, 0, 0, 0x69, 0x8a, 0x3b, 0x1c}
	for _, secret := range [][]byte{nil, []byte("k"), []byte(strings.Repeat("s", 32)), []byte(strings.Repeat("b", 64)), []byte(strings.Repeat("long", 40))} {
		for _, path := range []string{"", "o/c", "riverside/save-the-library", strings.Repeat("p", 191), strings.Repeat("q", 500)} {
			m := hmac.New(sha256.New, secret)
			m.Write([]byte(path))
			m.Write(stamp)
			want := m.Sum(nil)[:16]
			if got := New(secret).sum(nil, path, stamp); !bytes.Equal(got, want) {
				t.Errorf("secret of %d bytes, path of %d: got %x, want %x", len(secret), len(path), got, want)
			}
		}
	}
}

// TestCheckAllocatesNothing: checking a token makes no heap allocation.
func TestCheckAllocatesNothing(t *testing.T) {
	if raceEnabled {
		t.Log("allocations differ under the race detector: counted by the run without -race (.ci/run: signing budgets)")
		return
	}
	s := New([]byte("budget secret budget secret 0123"))
	tok := s.Issue("riverside/save-the-library", t0)
	if n := testing.AllocsPerRun(100, func() {
		if p, _ := s.Check("riverside/save-the-library", tok, t0.Add(time.Minute)); p != OK {
			t.Fatal(p)
		}
	}); n != 0 {
		t.Errorf("Check makes %.0f allocations", n)
	}
}
