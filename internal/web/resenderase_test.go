package web

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/sqlite"
)

// eraseAfterRead is a real SQLite store whose Supporter, once armed,
// erases the supporter just after reading their signatures: the erasure
// (their own, from the data page, or the operator's) landing between a
// repeat's read of the waiting signature and the queueing of its
// confirmation.
type eraseAfterRead struct {
	*sqlite.DB
	armed *atomic.Bool
}

func (s eraseAfterRead) Supporter(ctx context.Context, org, email string) ([]signing.Signature, error) {
	sigs, err := s.DB.Supporter(ctx, org, email)
	if err == nil && s.armed.Load() {
		if _, err := s.DB.EraseSupporter(ctx, org, email); err != nil {
			return nil, err
		}
	}
	return sigs, err
}

// TestResendAfterErasureQueuesNothing: a repeat of a waiting signature
// reads it, an erasure then runs, and the repeat queued its confirmation
// all the same — an email to the person just erased, holding their
// address, in an outbox the erasure had just emptied of them. Now the
// confirmation is queued only while the signature still waits, in the
// same transaction (store.Resending). Failed before: "1 messages to the
// erased address".
func TestResendAfterErasureQueuesNothing(t *testing.T) {
	st := eraseAfterRead{DB: openSQLite(t).(*sqlite.DB), armed: new(atomic.Bool)}
	e := newMailEnv(t, st, confirmFiles(t))
	sign := func() {
		t.Helper()
		v := e.formValues(t, libraryPage, "petition-form")
		v.Set("email", "ada@example.org")
		e.clock.add(5 * time.Second)
		wantStatus(t, e.post(t, libraryPage+"/sign", v, nil), 303)
		e.s.waitBackground()
	}
	toAda := func() int {
		t.Helper()
		es, err := st.List(context.Background(), "")
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, m := range es {
			if m.Email == "ada@example.org" {
				n++
			}
		}
		return n
	}
	sign()
	if n := toAda(); n != 1 {
		t.Fatalf("after signing: %d messages to ada, want her confirmation", n)
	}
	st.armed.Store(true)
	sign() // a repeat with a turn: reads, the erasure runs, then the resend
	if sigs, _ := st.DB.Supporter(context.Background(), "riverside", "ada@example.org"); len(sigs) != 0 {
		t.Fatalf("the erasure left %d signatures", len(sigs))
	}
	if n := toAda(); n != 0 {
		t.Errorf("%d messages to the erased address, want none", n)
	}
	var _ store.Resending = st
}
