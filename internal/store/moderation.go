package store

import (
	"context"
	"errors"

	"github.com/placard/placard/internal/signing"
)

// ErrRemovedCampaign refuses to approve a signature of a removed
// campaign: one whose rows were kept apart (a name IsKeptApart knows) or
// whose slug has a removal record (Removals), the campaign file being
// gone. Approving it would count it, and publish the name, for a letter
// that is no longer there, or whose successor it never signed. It may
// still be rejected or erased; `placard signatures move` brings a
// campaign's rows back when it is the same letter, and they can be
// decided then.
var ErrRemovedCampaign = errors.New("its campaign was removed")

// Moderation decides signatures waiting for approval all at once or not at
// all: the console's approve and reject, one signature or many ticked, and
// placard signatures approve|reject. Each decision queues what it tells
// the organisation's systems in its own transaction (Tell).
// Both engines implement it beside Store; callers get it by type assertion
// on the Store they opened.
type Moderation interface {
	// Decide moves the signatures ids, each of organisation org and each
	// with status from, to status to, in one transaction, adjusting the
	// tallies and reporting the change as SetStatus does, and queues
	// what tell returns for the signatures changed in that same
	// transaction (Tell). If any of them is not there, is another
	// organisation's or no longer has status from (someone decided or
	// erased it meanwhile), nothing is changed, tell is not called and
	// it returns ErrNotFound. An id given twice counts once. moved is
	// how many it moved on each campaign, read in the same transaction,
	// so what the caller records is exactly what changed.
	//
	// org "" takes a signature of any organisation and from "" one of
	// any status (placard signatures approve|reject, which names ids
	// alone; its tell refuses what it may not decide). A signature
	// already with status to is left as it is, is not among the
	// changes tell gets and is not counted in moved.
	//
	// Approving (to StatusApproved) a signature of a removed campaign —
	// under a kept-apart name, or under a slug with a removal record —
	// changes nothing and returns ErrRemovedCampaign; rejecting it is
	// allowed.
	Decide(ctx context.Context, org string, ids []int64, from, to signing.Status, tell Tell) (moved map[string]int, err error)
}
