package store

import "context"

// Renames moves a campaign's rows when the campaign is renamed: an
// organiser gives it a new slug and a `redirects` line old → new in
// org.yaml, and everything counted under the old slug follows it. Both
// engines implement it; serve runs it at every load of the campaigns and
// `placard signatures move` by hand.
type Renames interface {
	// MoveCampaign moves every row of campaign org/from to org/to in ONE
	// transaction: signatures, tallies, per-source counts, personal links
	// and outreach counts, merging those that already exist under to
	// (counts add up; a personal link's token under both names keeps one
	// row with both counts). An address that signed under both names
	// keeps its earliest signature (an unconfirmed one gives way to a
	// confirmed one) and the other is deleted, its tally taken off, so
	// nobody counts twice. A second run moves nothing, and a run that
	// finds nothing of from costs one read and writes nothing.
	//
	// Messages already queued in the outbox keep the old name: the mail
	// renderer follows the org.yaml redirect to the campaign, and a
	// confirmation link naming the old name (sent or queued) confirms
	// under the new one (internal/web/confirm.go).
	// On PostgreSQL it locks signatures as an erasure does, so a signing
	// batch lands wholly before or after it, and two instances moving at
	// once move once.
	MoveCampaign(ctx context.Context, org, from, to string) (MoveResult, error)
}

// MoveResult says what MoveCampaign did, in counts only.
type MoveResult struct {
	// Signatures is how many signatures now stand under the new name that
	// stood under the old one.
	Signatures int
	// Duplicates is how many signatures were deleted because their address
	// had also signed under the other name.
	Duplicates int
	// Rows is how many rows of counts (tallies, sources, personal links,
	// outreach) were moved or merged.
	Rows int
}

// Moved reports whether the move changed anything.
func (r MoveResult) Moved() bool { return r.Signatures+r.Duplicates+r.Rows > 0 }
