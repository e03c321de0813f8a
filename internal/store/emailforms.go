package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
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
	// weaker role stays (and, when the two roles differed, the
	// organisation's audit log gets an accounts.ActRoleMerged entry in the
	// same transaction), and its sessions, pending sign-in links and
	// passkeys move over — a passkey keeps the user handle it was made
	// with (accounts.Credential.UserHandle), so it still signs in. A
	// second run changes nothing. On PostgreSQL it locks signatures as an
	// erasure does.
	RenormaliseEmails(ctx context.Context) (RenormaliseResult, error)
	// OpenRewrite is what the rewrites Open ran did (the one migration
	// 024 asked for, and any a late row called for), in counts only: the
	// zero result when none ran. The server logs it for the operator.
	OpenRewrite() RenormaliseResult
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
	// Merged is how many organiser accounts were merged into their
	// organisation's account of the current spelling (MergeRole).
	Merged int
	// RolesLowered is how many of those had two different roles and so
	// kept the weaker: a site admin restores the other by hand
	// (placard organisers role).
	RolesLowered int
}

// Add is r with o's counts added.
func (r RenormaliseResult) Add(o RenormaliseResult) RenormaliseResult {
	return RenormaliseResult{Addresses: r.Addresses + o.Addresses, Signatures: r.Signatures + o.Signatures,
		Duplicates: r.Duplicates + o.Duplicates, Merged: r.Merged + o.Merged, RolesLowered: r.RolesLowered + o.RolesLowered}
}

// The late-row look (each engine's renormaliseLate): at every Open, after
// the one-off rewrite, the signatures and organiser accounts stored since
// the last look are read for an address not in its current form — an
// instance still running a version from before 024 during a rolling
// upgrade can store one — and the rewrite runs again if there is one.
// The look starts at marks kept in settings: the highest signature id
// (LateMarkKey) and organiser id (LateOrganisersKey) it read. A start
// with nothing stored since the last reads two maxima and writes nothing;
// otherwise it reads only the newer rows, by the primary key. The marks
// are exact: ids are never reused (AUTOINCREMENT, identity columns with
// CACHE 1, which PostgreSQL's Open checks: a cached range would let a
// session commit an id below a mark after the look), and
// no row with an id at or below a mark can commit after the look that
// set it — SQLite has one writer, so ids are taken in commit order, and
// on PostgreSQL the look reads the maxima and rows holding a SHARE lock
// on both tables, which waits for every transaction inserting into them
// to end. (Marks an earlier version stored were the highest id less
// 10,000, read again at every start for PostgreSQL's late commits; such
// a mark is lower than the exact one, so the first look reads those rows
// once.)
//
// Waiting messages have no ordered id to mark (the outbox is keyed by
// message id), so the outbox is read only while an old instance is seen
// writing: when a look finds a row not in its current form it keeps
// LateSeenKey, and the next look reads the outbox too, clearing the key
// once a look finds nothing. An old instance queues mail for the
// addresses it stores as signatures or organiser accounts, and a rewrite
// rewrites every waiting message, so its messages are rewritten with
// them; one it queues later than the start after its last stored row
// stays as queued, is delivered to the same mailbox (the A-label form is
// the deliverable one) and is found by an erasure (signing.EraseForms).
const (
	LateMarkKey       = "renormalise_late_mark"
	LateOrganisersKey = "renormalise_late_organisers"
	LateSeenKey       = "renormalise_late_seen"
)

// NewLateSeen is a fresh value for LateSeenKey: every look that finds a
// stale row sets the flag anew, and a look clears it only if it still
// holds the value that look read, so of two instances starting together
// the one that found nothing cannot clear the flag the other just set.
// (Earlier versions stored "1".)
func NewLateSeen() []byte {
	var b [12]byte
	rand.Read(b[:])
	return []byte(hex.EncodeToString(b[:]))
}

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
// weaker of the two (viewer, then editor, then site admin; a role this
// version does not know is weakest of all, granting nothing). Least
// privilege: one spelling may have been made a viewer on purpose — an
// editor demoted — while the other kept the role it had, and a merge must
// not hand back what someone took away. The start-up log says how many
// accounts kept the weaker role (RenormaliseResult.RolesLowered), the
// organisation's audit log says whose (accounts.ActRoleMerged), and a
// site admin restores a role with placard organisers role.
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
	if rank(b) < rank(a) {
		return b
	}
	return a
}
