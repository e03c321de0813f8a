package formtoken

import (
	"strings"
	"testing"
)

// TestSealer: what is sealed opens with the same secret and purpose only,
// and any altered byte, truncation or junk is refused.
func TestSealer(t *testing.T) {
	s := NewSealer([]byte("0123456789abcdef0123456789abcdef"), "contact")
	v := s.Seal([]byte(`{"m":"hello"}`))
	if got, ok := s.Open(v); !ok || string(got) != `{"m":"hello"}` {
		t.Fatalf("Open(Seal) = %q, %v", got, ok)
	}
	if _, ok := NewSealer([]byte("0123456789abcdef0123456789abcdef"), "other").Open(v); ok {
		t.Error("opened with another purpose")
	}
	if _, ok := NewSealer([]byte("another secret, thirty-two bytes"), "contact").Open(v); ok {
		t.Error("opened with another secret")
	}
	b := []byte(v)
	b[len(b)/2] ^= 1
	for _, bad := range []string{string(b), v[:len(v)-2], "", "AAAA", strings.Repeat("A", 300), "not base64!"} {
		if _, ok := s.Open(bad); ok {
			t.Errorf("Open(%q) succeeded", bad)
		}
	}
}
