package storetest

import (
	"context"
	"slices"
	"testing"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// queueAbout puts one undelivered webhook about email in org's outbox, its
// payload holding the signer's details as a real one does.
func queueAbout(t *testing.T, s store.Store, org, email string) {
	t.Helper()
	ob, ok := s.(store.Outbox)
	if !ok {
		t.Fatal("the store keeps no outbox")
	}
	m := signing.Message{ID: signing.NewMessageID(), Kind: signing.MessageWebhook, Target: "https://crm.example.org/hook",
		Email: email, Org: org, Campaign: "c", Payload: []byte(`{"email":"` + email + `","name":"Signer ` + email + `"}`)}
	if err := ob.Enqueue(context.Background(), []signing.Message{m}); err != nil {
		t.Fatalf("Enqueue: %v", err)
	}
}

// checkOutboxLeft fails unless the outbox holds exactly want's messages,
// each named org/email, in any order. An organisation's erasure of an
// address (the data page's, the console's) must take its undelivered
// messages too — they hold the same details — and leave others'.
func checkOutboxLeft(t *testing.T, s store.Store, after string, want ...string) {
	t.Helper()
	es, err := s.(store.Outbox).List(context.Background(), "")
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	var got []string
	for _, e := range es {
		got = append(got, e.Org+"/"+e.Email)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("outbox after %s: got %v, want %v", after, got, want)
	}
}
