package storetest

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// LoggedOpener returns a fresh, empty store for one test and, for an
// engine with a server of its own, a function reading what that server
// has logged so far (nil when there is no such log).
type LoggedOpener func(t *testing.T) (s store.Store, serverLog func(testing.TB) string)

// RunRefusedRows checks that AddSignatures refuses a row its tables would
// refuse — a kind or status they do not know, text that is not UTF-8 or
// holds a NUL, a key too long to index, a time out of range — alone, as
// store.ErrInvalidSignature for that row, while every valid signature of
// the same batch is stored; and that nothing of the refused rows reaches
// the database server's log.
func RunRefusedRows(t *testing.T, open LoggedOpener) {
	t.Run("RefusedRowsAlone", func(t *testing.T) {
		ctx := context.Background()
		s, serverLog := open(t)
		const secretName = "Refusedrow Personname"
		bad := func(email string, spoil func(*signing.Signature)) *signing.Signature {
			sig := Sig("o", "c", email)
			sig.Name = secretName
			sig.Phone = "+44 20 7946 0999"
			spoil(sig)
			return sig
		}
		// Each refusal names its field (the Go name) and problem, which
		// the signing form words for the signer.
		cases := []struct {
			what    string
			sig     *signing.Signature
			field   string
			problem store.RowProblem
		}{
			{"an unknown kind", bad("kind-refused@example.org", func(s *signing.Signature) { s.Kind = "person" }), "Kind", store.ProblemNotListed},
			{"an empty kind", bad("nokind-refused@example.org", func(s *signing.Signature) { s.Kind = "" }), "Kind", store.ProblemNotListed},
			{"an unknown status", bad("status-refused@example.org", func(s *signing.Signature) { s.Status = "held" }), "Status", store.ProblemNotListed},
			{"a NUL in the name", bad("nul-refused@example.org", func(s *signing.Signature) { s.Name = secretName + "\x00" }), "Name", store.ProblemNUL},
			{"a NUL in the comment", bad("nulcomment-refused@example.org", func(s *signing.Signature) { s.Comment = "a\x00b" }), "Comment", store.ProblemNUL},
			{"a comment that is not UTF-8", bad("utf8-refused@example.org", func(s *signing.Signature) { s.Comment = "caf\xe9 " + secretName }), "Comment", store.ProblemNotUTF8},
			{"a family name that is not UTF-8", bad("utf8fam-refused@example.org", func(s *signing.Signature) { s.FamilyName = "\xff\xfe" }), "FamilyName", store.ProblemNotUTF8},
			{"an email too long to index", bad(strings.Repeat("x", 3000)+"-refused@example.org", func(*signing.Signature) {}), "Email", store.ProblemKeyTooLong},
			{"a creation year past 9999", bad("year-refused@example.org", func(s *signing.Signature) { s.CreatedAt = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }), "CreatedAt", store.ProblemTime},
			{"a consent time before year 1", bad("bc-refused@example.org", func(s *signing.Signature) { s.ConsentAt = time.Date(-5, 1, 1, 0, 0, 0, 0, time.UTC) }), "ConsentAt", store.ProblemTime},
			{"a contact time past 9999", bad("contact-refused@example.org", func(s *signing.Signature) {
				s.ContactText, s.ContactAt = "You may call me.", time.Date(300000, 1, 1, 0, 0, 0, 0, time.UTC)
			}), "ContactAt", store.ProblemTime},
			// Split names: the name joined from them holds the NUL too, and
			// the refusal names the field the signer typed it in.
			{"a NUL in the given name", bad("nulgiven-refused@example.org", func(s *signing.Signature) {
				s.GivenName, s.FamilyName = "Ada\x00", "Lovelace"
				s.Name = signing.JoinName(s.GivenName, s.FamilyName)
			}), "GivenName", store.ProblemNUL},
		}
		// Valid signatures around the refused ones, and one with the key
		// of a refused row after it: a refused row holds no place, so
		// that one is a first signature, not a repeat.
		batch := []*signing.Signature{Sig("o", "c", "first@example.org")}
		for _, c := range cases {
			batch = append(batch, c.sig)
		}
		again := Sig("o", "c", "kind-refused@example.org")
		batch = append(batch, Sig("o", "c", "last@example.org"), again)
		res, err := s.AddSignatures(ctx, batch)
		if err != nil {
			t.Fatalf("AddSignatures: the whole batch failed (%v): the valid signatures in it were lost", err)
		}
		if len(res) != len(batch) {
			t.Fatalf("AddSignatures: %d results for %d signatures", len(res), len(batch))
		}
		for i, c := range cases {
			e := res[i+1]
			if !errors.Is(e, store.ErrInvalidSignature) {
				t.Errorf("%s: got %v, want store.ErrInvalidSignature", c.what, e)
				continue
			}
			var ise *store.InvalidSignatureError
			if !errors.As(e, &ise) || ise.Field != c.field || ise.Problem != c.problem {
				t.Errorf("%s: got %#v, want field %s, problem %s", c.what, ise, c.field, c.problem)
			}
			if msg := e.Error(); strings.Contains(msg, secretName) || strings.Contains(msg, "refused@") {
				t.Errorf("%s: the error %q holds the signature's details", c.what, msg)
			}
			if c.sig.ID != 0 {
				t.Errorf("%s: the refused signature got id %d", c.what, c.sig.ID)
			}
		}
		for _, i := range []int{0, len(batch) - 2, len(batch) - 1} {
			if res[i] != nil || batch[i].ID == 0 {
				t.Errorf("valid signature %s: got %v, id %d; want it stored", batch[i].Email, res[i], batch[i].ID)
			}
		}
		wantCounts(t, s, signing.Count{Org: "o", Campaign: "c", Signatures: 3})
		var stored []string
		if err := s.Signatures(ctx, "o", "c", "", func(sig *signing.Signature) error {
			stored = append(stored, sig.Email)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if want := []string{"first@example.org", "kind-refused@example.org", "last@example.org"}; !sameSet(stored, want) {
			t.Errorf("stored %v, want %v", stored, want)
		}

		// A batch of refused rows only stores nothing and is no error.
		only := bad("only-refused@example.org", func(s *signing.Signature) { s.Status = "" })
		res, err = s.AddSignatures(ctx, []*signing.Signature{only})
		if err != nil || len(res) != 1 || !errors.Is(res[0], store.ErrInvalidSignature) {
			t.Errorf("a batch of one refused row: got %v, %v; want [ErrInvalidSignature], nil", res, err)
		}
		wantCounts(t, s, signing.Count{Org: "o", Campaign: "c", Signatures: 3})

		// Through the group committer, as signing goes: the refused
		// signer hears so, the others of its batch are stored.
		c := store.NewCommitter(s, store.CommitterOptions{})
		defer c.Close()
		if err := c.Sign(ctx, bad("committer-refused@example.org", func(s *signing.Signature) { s.Kind = "robot" })); !errors.Is(err, store.ErrInvalidSignature) {
			t.Errorf("Committer.Sign of a refused row: got %v, want store.ErrInvalidSignature", err)
		}
		if err := c.Sign(ctx, Sig("o", "c", "committed@example.org")); err != nil {
			t.Errorf("Committer.Sign after a refused row: %v", err)
		}

		if serverLog == nil {
			return
		}
		log := serverLog(t)
		for _, secret := range []string{secretName, "refused@example.org", "+44 20 7946 0999"} {
			if i := strings.Index(log, secret); i >= 0 {
				t.Errorf("the server's log holds %q:\n%s", secret, log[max(0, strings.LastIndex(log[:i], "\n")):min(len(log), i+200)])
			}
		}
	})
}

func sameSet(got, want []string) bool {
	if len(got) != len(want) {
		return false
	}
	seen := map[string]int{}
	for _, g := range got {
		seen[g]++
	}
	for _, w := range want {
		if seen[w]--; seen[w] < 0 {
			return false
		}
	}
	return true
}

// testRefusedCounts: signatures refused (store.Refusals) are counted per
// organisation and campaign, and nothing else is kept.
func testRefusedCounts(t *testing.T, s store.Store) {
	ctx := context.Background()
	rf, ok := s.(store.Refusals)
	if !ok {
		t.Fatal("the store does not count refused signatures (store.Refusals)")
	}
	if got, err := rf.RefusedCounts(ctx, "o"); err != nil || len(got) != 0 {
		t.Fatalf("RefusedCounts before any: %v, %v; want none", got, err)
	}
	for _, c := range []string{"c1", "c1", "c2"} {
		if err := rf.NoteRefused(ctx, "o", c); err != nil {
			t.Fatalf("NoteRefused: %v", err)
		}
	}
	if err := rf.NoteRefused(ctx, "other", "c1"); err != nil {
		t.Fatal(err)
	}
	got, err := rf.RefusedCounts(ctx, "o")
	if err != nil || len(got) != 2 || got["c1"] != 2 || got["c2"] != 1 {
		t.Fatalf("RefusedCounts: %v, %v; want c1 2, c2 1 (and nothing of another organisation)", got, err)
	}
}
