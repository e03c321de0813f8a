package store

import (
	"context"

	"github.com/placard/placard/internal/signing"
)

// Caught is how many sign forms of one campaign a batch holds that were
// caught by the form's trap (the honeypot: a field people never see,
// filled by a bot). Counts only: nothing the form sent is ever kept.
type Caught struct {
	Org, Campaign string
	N             int
}

// Traps counts the sign forms caught by the trap, per organisation and
// campaign (migration 052), in the transaction of the committer's batch
// they rode (Committer.Pass): a caught form then costs what a signature
// costs — a transaction and its fsync — so its answer cannot come sooner
// than a signature's, and fails when a signature's would, during an
// outage. The count is shown to organisers as bots turned away (the
// console's dashboard, placard stats), purged with the campaign, carried
// by a rename. Both engines implement it beside Store; storetest's
// CaughtCounts is its suite.
type Traps interface {
	// AddBatch is AddSignatures that adds caught's counts in the same
	// transaction. With caught empty it is AddSignatures, statement for
	// statement; with sigs empty (or none of them to insert) it still
	// runs a transaction writing the counts.
	AddBatch(ctx context.Context, sigs []*signing.Signature, caught []Caught) (results []error, err error)

	// CaughtCounts returns the counts AddBatch added of org by campaign
	// (campaigns with none left out).
	CaughtCounts(ctx context.Context, org string) (map[string]int, error)
}

// addCaught adds one caught form of org's campaign to cs.
func addCaught(cs []Caught, org, campaign string) []Caught {
	for i := range cs {
		if cs[i].Org == org && cs[i].Campaign == campaign {
			cs[i].N++
			return cs
		}
	}
	return append(cs, Caught{org, campaign, 1})
}
