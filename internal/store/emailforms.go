package store

import (
	"context"
	"strconv"

	"github.com/placard/placard/internal/accounts"
)

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
	// organisation already has is merged into that one (MergeRole): the
	// stronger role stays, and its sessions, pending sign-in links and
	// passkeys move over — a passkey keeps the user handle it was made
	// with (accounts.Credential.UserHandle), so it still signs in. A
	// second run changes nothing. On PostgreSQL it locks signatures as an
	// erasure does.
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

// The late-row look (each engine's renormaliseLate): at every Open, after
// the one-off rewrite, the signatures stored since the last look are read
// for an address not in its current form — an instance still running a
// version from before 024 during a rolling upgrade can store one — and
// the rewrite runs again if there is one. The look starts at a mark kept
// in settings under LateMarkKey, so a start reads a short range of the id
// index, not the whole table (the first start with this version reads it
// all, once).
const LateMarkKey = "renormalise_late_mark"

// lateMargin is how many of the newest signatures every look reads
// again: on PostgreSQL a row an old instance's transaction wrote with an
// id below the highest may commit after the look, and is seen at the
// next one.
const lateMargin = 10000

// LateMark is the mark to keep after a look that saw signatures up to id
// top: top less the margin, never below zero.
func LateMark(top int64) int64 { return max(top-lateMargin, 0) }

// FormatLateMark is mark as stored in settings.
func FormatLateMark(mark int64) []byte { return strconv.AppendInt(nil, mark, 10) }

// ParseLateMark reads a stored mark; a missing or damaged one is 0, which
// reads every signature once.
func ParseLateMark(v []byte) int64 {
	n, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// MergeRole is the role an organiser account keeps when two accounts of
// one organisation holding spellings of one address are merged: the
// stronger of the two (site admin, then editor, then viewer), so the
// merge never takes away what either could do.
func MergeRole(a, b accounts.Role) accounts.Role {
	rank := func(r accounts.Role) int {
		switch r {
		case accounts.RoleSiteAdmin:
			return 3
		case accounts.RoleEditor:
			return 2
		case accounts.RoleViewer:
			return 1
		}
		return 0
	}
	if rank(b) > rank(a) {
		return b
	}
	return a
}
