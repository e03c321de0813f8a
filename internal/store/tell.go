package store

import (
	"context"

	"github.com/placard/placard/internal/signing"
)

// Tell returns what a change to signatures tells the organisation's own
// systems (webhooks, Action Network): changes holds each signature the
// change touched, as it was and as the change leaves it. A store calls it
// once, inside the change's own transaction, and adds what it returns to
// the outbox in that same transaction, as Confirming does: a committed
// change always has its messages, and a change that fails or rolls back
// (the outbox write included) has none. An error from Tell refuses the
// change: nothing is changed and the method returns that error. A nil
// Tell tells nothing; a change that touches no signature does not call
// it. storetest.RunTelling is its behavioural suite.
type Tell func(changes []signing.Change) ([]signing.Message, error)

// TellErased returns what an erasure tells the organisations' own
// systems (signature.erased, an Action Network unsubscribe): erased holds
// each signature the erasure removes, as it was before. A store calls it
// once, inside the erasure's own transaction, after the signatures and
// the address's waiting messages are deleted, and adds what it returns to
// the outbox in that same transaction: a committed erasure always has its
// notices, and one that fails or rolls back has none, so no crash between
// the two can leave a CRM holding a person Placard erased. An error from
// it refuses the erasure. A nil TellErased tells nothing; an erasure that
// removes no signature does not call it.
type TellErased func(erased []signing.Signature) ([]signing.Message, error)

// Erasures are the erasures that tell: Store.Erase, Accounts.EraseIn and
// Mail.EraseSupporter with a TellErased queued in their own transaction.
// Both engines implement it; storetest.RunTelling covers it. The plain
// methods are these with a nil tell.
type Erasures interface {
	EraseTold(ctx context.Context, email string, tell TellErased) (int, error)
	EraseInTold(ctx context.Context, org, email string, tell TellErased) (int, error)
	EraseSupporterTold(ctx context.Context, org, email string, tell TellErased) (int, error)
}
