package sqlite

import (
	"context"
	"fmt"
	"testing"

	"github.com/placard/placard/internal/mail"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store/storetest"
)

// thanksMessage is a message shaped like the thank-you email a signature
// queues, made as the sign handler makes it (mail.NewMessage): an
// address, the slugs, a small payload.
func thanksMessage(org, campaign, email string) signing.Message {
	return mail.NewMessage(mail.Payload{Template: mail.TemplateThanks, Lang: "en", Org: org, Campaign: campaign,
		To: email, Ref: "k3j4h5g6f7d8s9a0"})
}

// TestOutboxPagesPerBatch states what a signature's message costs on disk:
// writing a batch of batchSize signatures with one thank-you email each
// writes at most budgetOutboxPages more pages than the same batch without
// messages, on average over pagesRounds batches of each, while the outbox
// already holds tens of thousands of pending messages (the delivery
// worker yields to a burst of signing, so the outbox grows while
// signatures arrive). A batch's messages are one bundle row (bundle.go):
// its bytes and the leaf it ends on, instead of a row and an index entry
// per message (14 more pages per batch as rows, 1.8 as bundles).
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
	// A batch's pages vary with where the signatures' leaves split:
	// alternate, and compare the sums.
	without, with := 0, 0
	for range pagesRounds {
		without += walFrames(t, db, add(batch(false)))
		with += walFrames(t, db, add(batch(true)))
	}
	per := float64(with-without) / pagesRounds
	t.Logf("a batch of %d signatures writes %.1f pages; with one message each, %.1f (%.1f more)", batchSize,
		float64(without)/pagesRounds, float64(with)/pagesRounds, per)
	if per > budgetOutboxPages {
		t.Errorf("the messages of a batch of %d signatures write %.1f pages; budget %d", batchSize, per, budgetOutboxPages)
	}
}

// pagesRounds is how many batches with and without messages
// TestOutboxPagesPerBatch writes.
const pagesRounds = 8

// budgetOutboxPages bounds the pages batchSize messages add to a batch's
// commit (TestOutboxPagesPerBatch).
const budgetOutboxPages = 3
