package storetest

import (
	"context"
	"errors"
	"regexp"
	"testing"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// failedOp is how an engine's error starts: the engine, then the operation
// that failed ("sqlite: storing signatures: …"), so an operator's log says
// what went wrong.
var failedOp = regexp.MustCompile(`^(sqlite|postgres): ([a-z][a-z' -]+): `)

// testErrorsNameTheOperation calls every method that reaches the database
// with a cancelled context: each error must name its engine and its own
// operation, and still be context.Canceled to errors.Is. Signatures hands
// back the callback's own error untouched.
func testErrorsNameTheOperation(t *testing.T, s store.Store) {
	ctx := context.Background()
	add(t, s, Sig("o", "c", "a@example.org"))
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	calls := map[string]func() error{
		"AddSignatures": func() error {
			_, err := s.AddSignatures(cancelled, []*signing.Signature{Sig("o", "c", "b@example.org")})
			return err
		},
		"Tallies":       func() error { _, err := s.Tallies(cancelled); return err },
		"PublicSigners": func() error { _, err := s.PublicSigners(cancelled, "o", "c", 10); return err },
		"Organisations": func() error { _, err := s.Organisations(cancelled, "o", "c"); return err },
		"Signatures": func() error {
			return s.Signatures(cancelled, "o", "c", "", func(*signing.Signature) error { return nil })
		},
		"SetStatus": func() error { return s.SetStatus(cancelled, 1, signing.StatusRejected) },
		"Erase":     func() error { _, err := s.Erase(cancelled, "a@example.org"); return err },
		"Purge":     func() error { _, err := s.Purge(cancelled, "o", "c"); return err },
		"Secret":    func() error { _, err := s.Secret(cancelled); return err },
		"AddArrivals": func() error {
			return s.AddArrivals(cancelled, []signing.Arrivals{{Org: "o", Campaign: "c", Source: "x", Count: 1}})
		},
		"AddCredits": func() error {
			return s.AddCredits(cancelled, []signing.Credit{{Org: "o", Campaign: "c", Source: "x", Count: 1}})
		},
		"LinkSecret": func() error {
			ls, ok := s.(store.LinkSecret)
			if !ok {
				return errors.New("LinkSecret: not kept")
			}
			_, err := ls.LinkSecret(cancelled)
			return err
		},
		"Sources":   func() error { _, err := s.Sources(cancelled, "o", "c"); return err },
		"Referrals": func() error { _, err := s.Referrals(cancelled, "o", "c", 10); return err },
		"Referral":  func() error { _, err := s.Referral(cancelled, "o", "c", "t1", nil); return err },
		"ClaimOnce": func() error {
			_, err := s.ClaimOnce(cancelled, []byte("nonce"), time.Now().Add(time.Hour))
			return err
		},
	}
	ops := map[string]string{} // operation → method, to catch two methods sharing a name
	for method, call := range calls {
		err := call()
		if err == nil {
			t.Errorf("%s with a cancelled context: no error", method)
			continue
		}
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s: error %q is not context.Canceled to errors.Is", method, err)
		}
		m := failedOp.FindStringSubmatch(err.Error())
		if m == nil {
			t.Errorf("%s: error %q does not start with the engine and the operation (\"sqlite: storing signatures: …\")", method, err)
			continue
		}
		if other, ok := ops[m[2]]; ok {
			t.Errorf("%s and %s both say %q: each operation needs its own name", other, method, m[2])
		}
		ops[m[2]] = method
	}

	// The sentinels stay matchable once named.
	if err := s.SetStatus(ctx, 1<<40, signing.StatusRejected); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("SetStatus of no signature: got %v, want ErrNotFound to errors.Is", err)
	}
	// The callback's error is the caller's, not the engine's: back as it came.
	mine := errors.New("stop here")
	if err := s.Signatures(ctx, "o", "c", "", func(*signing.Signature) error { return mine }); err != mine {
		t.Errorf("Signatures with a failing callback: got %v, want the callback's own error", err)
	}
}
