package store

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"time"

	"github.com/placard/placard/internal/signing"
)

// Mail is the storage that email to signers needs: confirming a signature
// that waited for its signer (double opt-in), each organisation's
// suppression list, and the supporter's own data page. Both engines
// implement it beside Store; storetest.RunMail is its behavioural suite.
//
// Every method that removes personal data returns only once no byte of it
// is left in the engine's files, as Erase does. Every method that changes
// what a campaign shows (a count, a public name) moves its revision, so
// pages follow.
type Mail interface {
	// Confirm moves email's unconfirmed signature on org/campaign to the
	// status it would have had without confirmation — approved for a
	// person, pending (awaiting moderation) for an organisation — and
	// returns it, counted from then on. It returns ErrNotFound when there
	// is no unconfirmed signature: never signed, already confirmed (links
	// are single-use this way), or erased.
	Confirm(ctx context.Context, org, campaign, email string) (signing.Signature, error)

	// EraseUnconfirmed erases every signature of org/campaign still
	// unconfirmed that was made before before (of every campaign when org
	// is ""), with the undelivered messages of the same organisation,
	// campaign and address (its confirmation email, its webhooks), and
	// returns how many signatures.
	EraseUnconfirmed(ctx context.Context, org, campaign string, before time.Time) (int, error)

	// Suppress records, with at, that the address whose AddressHash is
	// address wants no more email from org. Recording it again keeps the
	// first time. Erasing the address (Erase, EraseSupporter) keeps the
	// record: it holds only the hash.
	Suppress(ctx context.Context, org string, address [32]byte, at time.Time) error

	// Suppressed reports whether address is on org's suppression list.
	Suppressed(ctx context.Context, org string, address [32]byte) (bool, error)

	// Supporter returns every signature of email on org's campaigns, every
	// status, oldest first: what the data page shows.
	Supporter(ctx context.Context, org, email string) ([]signing.Signature, error)

	// WithdrawContact forgets the permission to be contacted (sentence and
	// time) on each of email's signatures on org's campaigns, queues what
	// tell returns for those it changed in the same transaction (Tell),
	// and returns how many had one.
	WithdrawContact(ctx context.Context, org, email string, tell Tell) (int, error)

	// HideName takes email's signatures on org's campaigns off public
	// lists, queues what tell returns for those it changed in the same
	// transaction (Tell), and returns how many were public.
	HideName(ctx context.Context, org, email string, tell Tell) (int, error)

	// EraseSupporter erases every signature of email on org's campaigns,
	// with Erase's counts and on-disk promise, and returns how many. Other
	// organisations' signatures of the same address are theirs and stay.
	EraseSupporter(ctx context.Context, org, email string) (int, error)
}

// AddressHash is the keyed hash a suppression list keeps in place of an
// address: key is the installation's (Store.Secret), so the hash cannot
// be reversed by hashing guessed addresses without it. Erasures keep
// these rows (no address, no name, only the hash and a time): an erased
// address that had unsubscribed stays unsubscribed, so typing it into a
// form again does not bring its owner mail.
func AddressHash(key []byte, email string) [32]byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("placard suppression v1\x00"))
	m.Write([]byte(email))
	var h [32]byte
	copy(h[:], m.Sum(nil))
	return h
}

// SuppressedAddress reports whether email is on org's suppression list
// (Mail.Suppressed) under any spelling it may have been recorded in: its
// current form and, for a domain with Unicode labels, the A-label
// spelling an earlier version stored and so hashed when it unsubscribed
// (signing.EmailSpellings). key is the installation's (Store.Secret).
// Every check before mailing someone goes through it.
func SuppressedAddress(ctx context.Context, m Mail, key []byte, org, email string) (bool, error) {
	for _, e := range signing.EmailSpellings(signing.CurrentForm(email)) {
		if off, err := m.Suppressed(ctx, org, AddressHash(key, e)); err != nil || off {
			return off, err
		}
	}
	return false, nil
}
