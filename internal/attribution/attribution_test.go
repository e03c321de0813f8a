package attribution

import (
	"context"
	"crypto/sha256"
	"encoding/base32"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/placard/placard/internal/signing"
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

// TestNewLink: a new link's token is the token of its key, both have their
// shapes, and the store gets only the key's hash.
func TestNewLink(t *testing.T) {
	token, key, ref := NewLink()
	if !ValidToken(token) || !ValidKey(key) || ValidToken(key) || ValidKey(token) {
		t.Fatalf("NewLink() = %q, %q: wrong shapes", token, key)
	}
	if TokenOf(key) != token || ref.Token != token || ref.SecretHash != KeyHash(key) {
		t.Fatalf("NewLink() = %q, %q, %+v: token or hash not of the key", token, key, ref)
	}
	if again, _, _ := NewLink(); again == token {
		t.Fatalf("two links share the token %q", token)
	}
}

// fakeLinks is a LinkStore that makes every link asked for.
type fakeLinks struct {
	mu    sync.Mutex
	calls []int
}

func (f *fakeLinks) AddLinks(_ context.Context, _, _ string, refs []signing.Referral) ([]signing.Referral, error) {
	f.mu.Lock()
	f.calls = append(f.calls, len(refs))
	f.mu.Unlock()
	return refs, nil
}

// TestLinkPoolHandsOutStoredLinks: an empty pool is filled with a batch of
// linkBatch in one call, each link is handed out once with the key it was
// stored under, and a link put back is handed out again (draws are
// random: 5,000 of them miss one link of a pool of at most a few hundred
// with a chance below e^-20).
func TestLinkPoolHandsOutStoredLinks(t *testing.T) {
	var p LinkPool
	st := &fakeLinks{}
	ctx := context.Background()
	l, ok, err := p.Take(ctx, st, "o/c", "o", "c")
	if !ok || err != nil {
		t.Fatalf("Take: %v, %v", ok, err)
	}
	if TokenOf(l.Key) != l.Token {
		t.Fatalf("link %+v: token is not its key's", l)
	}
	st.mu.Lock()
	first := st.calls[0]
	st.mu.Unlock()
	if first != linkBatch {
		t.Fatalf("first fill made %d links, want %d", first, linkBatch)
	}
	p.PutBack("o/c", l)
	seen := map[string]bool{}
	again := false
	for range 5000 {
		m, ok, err := p.Take(ctx, st, "o/c", "o", "c")
		if !ok || err != nil {
			t.Fatalf("Take: %v, %v", ok, err)
		}
		if seen[m.Token] {
			t.Fatalf("link %s handed out twice", m.Token)
		}
		seen[m.Token] = true
		if m == l {
			again = true
			break
		}
	}
	if !again {
		t.Errorf("the link put back was never handed out again")
	}
}

// TestLinkDerivations: TokenOf and KeyHash are the hashes they always
// were (a stored link's token and hash must not change), and a new link
// costs two allocations, its key and its token.
func TestLinkDerivations(t *testing.T) {
	for _, key := range []string{"", "abcdefghijklmnopqrstuvwxyz", strings.Repeat("k", 100)} {
		sum := sha256.Sum256([]byte("placard personal link token\x00" + key))
		if got, want := TokenOf(key), base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding).EncodeToString(sum[:8])[:TokenLen]; got != want {
			t.Errorf("TokenOf(%q) = %q, want %q", key, got, want)
		}
		if got, want := KeyHash(key), sha256.Sum256([]byte("placard personal link\x00"+key)); got != want {
			t.Errorf("KeyHash(%q) = %x, want %x", key, got, want)
		}
	}
	if raceEnabled {
		return
	}
	if n := testing.AllocsPerRun(100, func() { NewLink() }); n > 2 {
		t.Errorf("NewLink makes %.0f allocations, want 2", n)
	}
}
