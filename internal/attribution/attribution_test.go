package attribution

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"net/url"
	"strings"
	"testing"
)

// TestFormValueRoundTrip: every form value is FormValueLen bytes and reads
// back as the source and token it was made from; anything malformed reads
// as none.
func TestFormValueRoundTrip(t *testing.T) {
	tok := strings.Repeat("a", TokenLen)
	for _, c := range []struct{ query, source, ref string }{
		{"", "", ""},
		{"src=x", "x", ""},
		{"src=X&ref=" + strings.ToUpper(tok), "x", tok},
		{"ref=" + tok, SourcePersonal, tok},
		{"src=nonsense&ref=toolongtoken1", "", ""},
		{"src=%3Cscript%3E", "", ""},
	} {
		q, _ := url.ParseQuery(c.query)
		source, ref := FromQuery(q)
		if source != c.source || ref != c.ref {
			t.Errorf("FromQuery(%q) = %q, %q; want %q, %q", c.query, source, ref, c.source, c.ref)
		}
		v := FormValue(source, ref)
		if v == nil {
			if source != "" || ref != "" {
				t.Errorf("FormValue(%q, %q) is nil", source, ref)
			}
			continue
		}
		if len(v) != FormValueLen {
			t.Errorf("FormValue(%q, %q) = %q: %d bytes, want %d", source, ref, v, len(v), FormValueLen)
		}
		if gs, gr := ParseFormValue(string(v)); gs != source || gr != ref {
			t.Errorf("ParseFormValue(FormValue(%q, %q)) = %q, %q", source, ref, gs, gr)
		}
	}
	for _, bad := range []string{"", string(BlankFormValue()), `"><script>`, "nonsense.short", "X.AAAAAAAAAA", "y.aaaaaaaaaa1"} {
		if s, r := ParseFormValue(bad); s != "" || r != "" {
			t.Errorf("ParseFormValue(%q) = %q, %q; want none", bad, s, r)
		}
	}
	if len(FormPlaceholder) != FormValueLen {
		t.Errorf("FormPlaceholder is %d bytes, want %d", len(FormPlaceholder), FormValueLen)
	}
}

// TestNewLink: a new link's token is the token of its key under the link
// secret, both have their shapes, and two links differ.
func TestNewLink(t *testing.T) {
	l := NewLinks([]byte("0123456789abcdef0123456789abcdef"))
	token, key := l.New()
	if !ValidToken(token) || !ValidKey(key) || ValidToken(key) || ValidKey(token) {
		t.Fatalf("New() = %q, %q: wrong shapes", token, key)
	}
	if l.Token(key) != token {
		t.Fatalf("New() = %q, %q: token not of the key", token, key)
	}
	if again, _ := l.New(); again == token {
		t.Fatalf("two links share the token %q", token)
	}
}

// TestLinkDerivations: Token is HMAC-SHA256 under the link secret (so
// another installation's secret names another token, and nobody without
// it can hash towards a token), LegacyToken and KeyHash are the hashes
// they always were (a stored legacy link's token and hash must not
// change), and a new link costs two allocations, its key and its token.
func TestLinkDerivations(t *testing.T) {
	b32 := base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)
	secrets := [][]byte{[]byte("0123456789abcdef0123456789abcdef"), {}, []byte(strings.Repeat("long secret ", 10))}
	for _, key := range []string{"", "abcdefghijklmnopqrstuvwxyz", strings.Repeat("k", 100)} {
		for _, secret := range secrets {
			mac := hmac.New(sha256.New, secret)
			mac.Write([]byte("placard personal link token v2\x00" + key))
			if got, want := NewLinks(secret).Token(key), b32.EncodeToString(mac.Sum(nil)[:8])[:TokenLen]; got != want {
				t.Errorf("Token(%q) under %q = %q, want %q", key, secret, got, want)
			}
		}
		if NewLinks(secrets[0]).Token(key) == NewLinks([]byte("another installation's secret..")).Token(key) {
			t.Errorf("Token(%q) is the same under two secrets", key)
		}
		sum := sha256.Sum256([]byte("placard personal link token\x00" + key))
		if got, want := LegacyToken(key), b32.EncodeToString(sum[:8])[:TokenLen]; got != want {
			t.Errorf("LegacyToken(%q) = %q, want %q", key, got, want)
		}
		if got, want := KeyHash(key), sha256.Sum256([]byte("placard personal link\x00"+key)); got != want {
			t.Errorf("KeyHash(%q) = %x, want %x", key, got, want)
		}
	}
	if raceEnabled {
		return
	}
	l := NewLinks(secrets[0])
	if n := testing.AllocsPerRun(100, func() { l.New() }); n > 2 {
		t.Errorf("New makes %.0f allocations, want 2", n)
	}
}
