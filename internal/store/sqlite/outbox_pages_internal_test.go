package sqlite

import (
	"context"
	"fmt"
	"testing"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store/storetest"
)

// thanksMessage is a message shaped like the thank-you email a signature
// queues (mail.NewMessage): an address, the slugs, a small JSON payload.
func thanksMessage(org, campaign, email string) signing.Message {
	return signing.Message{
		ID: signing.NewMessageID(), Kind: signing.MessageEmail, Email: email, Org: org, Campaign: campaign,
		Payload: []byte(`{"template":"thanks","lang":"en","org":"` + org + `","campaign":"` + campaign +
			`","to":"` + email + `","ref":"k3j4h5g6f7d8s9a0"}`),
	}
}

// TestOutboxPagesPerBatch states what a signature's message costs on disk:
// writing a batch of batchSize signatures with one thank-you email each
// writes at most budgetOutboxPages more pages than the same batch without
// messages, while the outbox already holds tens of thousands of pending
// messages (the delivery worker yields to a burst of signing, so the
// outbox grows while signatures arrive). A message is an append: no index
// keyed by a random value (a random id, an address) is written per row,
// since each such row lands on a page of its own.
func TestOutboxPagesPerBatch(t *testing.T) {
	if testing.Short() {
		t.Skip("fills an outbox of 30,000 messages")
	}
	ctx := context.Background()
	db, err := Open(ctx, t.TempDir()+"/pages.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	const backlog = 30000
	msgs := make([]signing.Message, backlog)
	for i := range msgs {
		msgs[i] = thanksMessage("o", "c", fmt.Sprintf("backlog%d@example.org", i))
	}
	if err := db.Enqueue(ctx, msgs); err != nil {
		t.Fatal(err)
	}
	n := 0
	batch := func(withMessage bool) []*signing.Signature {
		sigs := make([]*signing.Signature, batchSize)
		for i := range sigs {
			n++
			email := fmt.Sprintf("p%d@example.org", n)
			sigs[i] = storetest.Sig("o", "c", email)
			if withMessage {
				sigs[i].Outbox = []signing.Message{thanksMessage("o", "c", email)}
			}
		}
		return sigs
	}
	add := func(sigs []*signing.Signature) func() {
		return func() {
			if _, err := db.AddSignatures(ctx, sigs); err != nil {
				t.Fatal(err)
			}
		}
	}
	for range 3 { // the signatures table grows a little too
		add(batch(true))()
	}
	without := walFrames(t, db, add(batch(false)))
	with := walFrames(t, db, add(batch(true)))
	t.Logf("a batch of %d signatures writes %d pages; with one message each, %d", batchSize, without, with)
	if with-without > budgetOutboxPages {
		t.Errorf("the messages of a batch of %d signatures write %d pages; budget %d", batchSize, with-without, budgetOutboxPages)
	}
}

// budgetOutboxPages bounds the pages batchSize messages add to a batch's
// commit (TestOutboxPagesPerBatch).
const budgetOutboxPages = 20
