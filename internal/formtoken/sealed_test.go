package formtoken

import (
	"bytes"
	"compress/flate"
	"runtime"
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

// sealAt is SealPacked as it was sealed at level: links already sent
// were sealed at flate.BestCompression.
func sealAt(t *testing.T, s Sealer, plain []byte, level int) string {
	t.Helper()
	var b bytes.Buffer
	b.WriteByte(packedMark)
	w, err := flate.NewWriter(&b, level)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(plain)
	w.Close()
	return s.Seal(b.Bytes())
}

// TestOpenPackedOldLinks: a link sealed at BestCompression (before the
// level was chosen by measurement), one sealed now, and one sealed bare
// before values were compressed all open to what was sealed.
func TestOpenPackedOldLinks(t *testing.T) {
	s := NewSealer([]byte("0123456789abcdef0123456789abcdef"), "contact")
	plain := maximalLetter(true, false)
	for name, v := range map[string]string{
		"best compression": sealAt(t, s, plain, flate.BestCompression),
		"now":              s.SealPacked(plain),
		"bare":             s.Seal(plain),
	} {
		if got, ok := s.OpenPacked(v, int64(len(plain))); !ok || !bytes.Equal(got, plain) {
			t.Errorf("%s: OpenPacked = %d bytes, %v; want the %d sealed", name, len(got), ok, len(plain))
		}
	}
}

// TestOpenPackedBounded: a sealed value whose DEFLATE stands for far more
// than the limit (a megabyte of one byte packs into about a kilobyte) is
// refused, not handed on cut at the limit as if it were whole, and
// opening it reads no more than the limit: it allocates about what the
// limit holds, not the megabyte. A value of exactly the limit opens.
func TestOpenPackedBounded(t *testing.T) {
	s := NewSealer([]byte("0123456789abcdef0123456789abcdef"), "contact")
	const limit = 4 << 10
	bomb := sealAt(t, s, bytes.Repeat([]byte{'a'}, 1<<20), flate.BestCompression)
	if len(bomb) > 8000 {
		t.Fatalf("the crafted value is %d characters: it should fit in a link", len(bomb))
	}
	if got, ok := s.OpenPacked(bomb, limit); ok {
		t.Fatalf("a value inflating to 1 MB opened under a %d-byte limit (%d bytes)", limit, len(got))
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range 10 {
		s.OpenPacked(bomb, limit)
	}
	runtime.ReadMemStats(&after)
	if per := (after.TotalAlloc - before.TotalAlloc) / 10; per > 256<<10 {
		t.Errorf("opening the crafted value allocated %d bytes: it inflated past the limit", per)
	}
	exact := bytes.Repeat([]byte{'b'}, limit)
	for _, v := range []string{s.SealPacked(exact), s.Seal(exact)} {
		if got, ok := s.OpenPacked(v, limit); !ok || len(got) != limit {
			t.Errorf("a value of exactly the limit: %d bytes, %v", len(got), ok)
		}
	}
	over := append(exact, 'b')
	for _, v := range []string{s.SealPacked(over), s.Seal(over)} {
		if _, ok := s.OpenPacked(v, limit); ok {
			t.Error("a value one byte over the limit opened")
		}
	}
}
