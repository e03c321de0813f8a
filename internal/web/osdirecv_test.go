package web

import (
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/webhook"
)

// osdiReceiver is an Action Network stand-in on loopback: it answers 201
// to every record and keeps their bodies, which received returns.
func osdiReceiver(t *testing.T) (url string, received func() []string) {
	t.Helper()
	var mu sync.Mutex
	var got []string
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, string(b))
		mu.Unlock()
		w.WriteHeader(http.StatusCreated)
	}))
	t.Cleanup(recv.Close)
	return recv.URL, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(got)
	}
}

// osdiDeliverer delivers Action Network records as serve does, to
// loopback, reading the signer's permission again at delivery.
func osdiDeliverer(e *mailEnv, st store.Store) *webhook.Deliverer {
	p := webhook.Policy{AllowLoopback: true}
	return &webhook.Deliverer{Client: webhook.NewClient(p), Policy: p, Now: time.Now,
		Getenv:  func(string) string { return "an-key" },
		Org:     func(slug string) *campaign.Org { return e.s.CurrentSite().Org(slug) },
		Consent: webhook.ConsentFrom(st.(store.Mail).Supporter)}
}
