package web

import (
	"context"
	"net/http"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/placard/placard/internal/formtoken"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// BenchmarkSignSteps prices, one by one, what a signature costs placard
// beyond what a bare net/http handler does (parse the POST, answer 303):
// the whole handler through the router and middleware, the handler alone
// (the difference is the router and middleware), each step of the
// handler, and the hand-off to the group committer (over a store that
// stores nothing, so what is measured is the queue, the writer's wake-up
// and the answer). Run with
//
//	go test ./internal/web -run XXX -bench SignSteps -benchmem
func BenchmarkSignSteps(b *testing.B) {
	s := newBudgetServer(b)
	limited, err := New(Config{BaseURL: "https://act.example.org", Store: keepNoLinks{}, Recorder: nopRecorder{},
		Secret: []byte("budget secret budget secret 0123"), RateLimit: 1 << 30}, signSite(b))
	if err != nil {
		b.Fatal(err)
	}
	run := func(name string, f func(i int)) {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				f(i)
				i++
			}
		})
	}
	serve := func(name string, h http.Handler) {
		b.Run(name, func(b *testing.B) {
			// Every run signs with the same token and clients.
			s.used, limited.used = formtoken.NewUsed(), formtoken.NewUsed()
			reqs := signRequests(s, b.N+1)
			w := &discardWriter{h: http.Header{}}
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				clear(w.h)
				h.ServeHTTP(w, reqs[i])
				if w.code != http.StatusSeeOther {
					b.Fatalf("got %d", w.code)
				}
			}
		})
	}
	serve("whole handler", s)
	serve("handler alone", s.handle(s.sign))
	serve("whole handler, rate limited", limited)

	b.Run("read form", func(b *testing.B) {
		reqs := signRequests(s, b.N+1)
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			r := reqs[i]
			r.Body = http.MaxBytesReader(nil, r.Body, maxSignBody)
			var f signForm
			if err := readSignForm(r, &f); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("ParseForm (before)", func(b *testing.B) {
		reqs := signRequests(s, b.N+1)
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			r := reqs[i]
			r.Body = http.MaxBytesReader(nil, r.Body, maxSignBody)
			if err := r.ParseForm(); err != nil {
				b.Fatal(err)
			}
		}
	})
	lc := s.snap.Load().Signing[libraryPage]
	sa := lc.Signables["petition"]
	now := time.Now()
	sub := signing.Submission{Action: "petition", Name: "Budget Signer", Email: "b1@example.org", Consent: "yes"}
	run("CheckForm", func(int) {
		if _, errs := signing.CheckForm(sub, sa.Rules, sa.Consent, sa.Contact, now); len(errs) > 0 {
			b.Fatal(errs)
		}
	})
	tok := s.tokens.Issue(lc.Key, now.Add(-time.Minute))
	run("token check", func(int) { s.tokens.Check(lc.Key, tok, now) })
	clients := make([]string, 1<<20)
	for i := range clients {
		clients[i] = "10." + strconv.Itoa(i>>16&255) + "." + strconv.Itoa(i>>8&255) + "." + strconv.Itoa(i&255)
	}
	run("used-token set", func(i int) { s.used.Claim(tok, clients[i%len(clients)], now.Add(-time.Minute), now) })
	ctx := context.Background()
	run("personal link", func(int) { s.links.New() })
	var buf [256]byte
	run("claim seal", func(int) { s.claims.AppendSeal(buf[:0], lc.Key, "abcdefghij", "abcdefghijklmnopqrstuvwxyz", now) })
	run("credits", func(int) { s.credits.Add("riverside", "save-the-library", "", "", now) })
	run("client key", func(i int) { s.keyer.key(&http.Request{RemoteAddr: clients[i%len(clients)] + ":1234"}) })
	run("sign context", func(int) { s.signContext() })
	b.Run("committer hand-off", func(b *testing.B) {
		c := store.NewCommitter(storeNothing{}, store.CommitterOptions{})
		defer c.Close()
		var n atomic.Int64
		b.ReportAllocs()
		b.SetParallelism(32)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				n.Add(1)
				if err := c.Sign(ctx, &signing.Signature{}); err != nil {
					b.Error(err)
					return
				}
			}
		})
		if st := c.Stats(); st.Batches > 0 {
			b.ReportMetric(float64(st.Signatures)/float64(st.Batches), "sigs/commit")
		}
	})
}

// storeNothing is a store whose batches commit at once and keep nothing.
type storeNothing struct {
	store.Store // unused methods panic
}

func (storeNothing) AddSignatures(_ context.Context, sigs []*signing.Signature) ([]error, error) {
	return make([]error, len(sigs)), nil
}
