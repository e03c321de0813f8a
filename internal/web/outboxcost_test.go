package web

import (
	"net/http"
	"testing"

	"github.com/placard/placard/internal/mail"
	"github.com/placard/placard/internal/store"
)

// mailingNoLinks is keepNoLinks that also claims to keep mail and an
// outbox, so the server writes every signature's thank-you email (the
// recorder keeps nothing, so no method of either is called).
type mailingNoLinks struct {
	keepNoLinks
	store.Mail
	store.Outbox
}

// budgetSignMailAllocs bounds the allocations a signature's thank-you
// email adds to the signing handler: its id, its payload, the
// signature's message list and the payload's encoding (measured: 4).
const budgetSignMailAllocs = 4

// mailServer is newBudgetServer with email on, or off.
func mailServer(t testing.TB, on bool) *Server {
	s := newBudgetServer(t)
	if on {
		s.cfg.Store = mailingNoLinks{}
		s.cfg.MailTokens = mail.NewTokens([]byte("budget secret budget secret 0123"))
		if _, _, ok := s.mailer(); !ok {
			t.Fatal("email is not on")
		}
	}
	return s
}

// TestSignHandlerMailBudget: with email on, a signature costs the
// handler at most budgetSignMailAllocs more allocations than with it off.
func TestSignHandlerMailBudget(t *testing.T) {
	if raceEnabled {
		t.Log("allocations differ under the race detector: counted by the run without -race")
		return
	}
	var allocs [2]float64
	for k, on := range []bool{false, true} {
		s := mailServer(t, on)
		const runs = 300
		reqs := signRequests(s, runs+1)
		w := &discardWriter{h: http.Header{}}
		i := 0
		allocs[k] = testing.AllocsPerRun(runs, func() {
			clear(w.h)
			s.ServeHTTP(w, reqs[i])
			i++
			if w.code != http.StatusSeeOther {
				t.Fatalf("got %d", w.code)
			}
		})
	}
	t.Logf("%.1f allocations per signature with email off, %.1f with it on (budget +%d)", allocs[0], allocs[1], budgetSignMailAllocs)
	if allocs[1]-allocs[0] > budgetSignMailAllocs {
		t.Errorf("email adds %.1f allocations per signature; budget %d", allocs[1]-allocs[0], budgetSignMailAllocs)
	}
}

// BenchmarkSignHandlerMail is BenchmarkSignHandler with email on: what
// building a signature's thank-you message adds to the request (issue
// 14: signing with the outbox on within 5% of without).
func BenchmarkSignHandlerMail(b *testing.B) {
	for _, on := range []bool{false, true} {
		name := "off"
		if on {
			name = "mail"
		}
		b.Run(name, func(b *testing.B) {
			s := mailServer(b, on)
			reqs := signRequests(s, b.N)
			w := &discardWriter{h: http.Header{}}
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				clear(w.h)
				s.ServeHTTP(w, reqs[i])
				if w.code != http.StatusSeeOther {
					b.Fatalf("got %d", w.code)
				}
			}
		})
	}
}
