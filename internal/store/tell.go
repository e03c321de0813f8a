package store

import "github.com/placard/placard/internal/signing"

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
