package store

import "context"

// EmailForms brings addresses stored by an earlier version into the form
// signing.NormaliseEmail gives now (signing.CurrentForm), so one mailbox
// stored in two spellings — a domain kept as typed in A-labels
// ("xn--bcher-kva.example") beside its Unicode form ("bücher.example") —
// is one signer, and signing, erasing and the data page find every row of
// it. Both engines implement it and run it once when migration 024 is
// applied (store/sqlite, store/postgres: emailforms.go).
type EmailForms interface {
	// RenormaliseEmails rewrites, in ONE transaction, every stored address
	// whose current form differs: signatures, undelivered messages (their
	// bundles taken apart first, as an erasure does) and organiser
	// accounts. Where a campaign then holds two signatures of one address,
	// the earliest stays (an unconfirmed one gives way to a confirmed one,
	// as store.Renames merges) and the other is deleted with Erase's
	// on-disk promise, its tally taken off. A suppression-list row or an
	// outreach sender's hash recorded under an old spelling is copied to
	// the current one (the keyed hash cannot be rewritten, only added to).
	// An organiser account whose new spelling another account of the same
	// organisation already has keeps its old one. A second run changes
	// nothing. On PostgreSQL it locks signatures as an erasure does.
	RenormaliseEmails(ctx context.Context) (RenormaliseResult, error)
}

// RenormaliseResult says what RenormaliseEmails did, in counts only.
type RenormaliseResult struct {
	// Addresses is how many stored spellings were rewritten.
	Addresses int
	// Signatures is how many signatures now carry the current form.
	Signatures int
	// Duplicates is how many signatures were deleted because their
	// address, rewritten, had signed the same campaign already.
	Duplicates int
}
