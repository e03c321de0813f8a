// Package signing is the domain of signatures: what a signer gives, how it is
// checked and normalised, and how counts and goals are shown. Like package
// campaign it knows nothing of HTTP or SQL: the web layer turns a form into a
// Submission, Check turns that into a Signature or field errors, and a store
// keeps Signatures.
package signing

import (
	"time"
)

// Kind says whether a signature is a person's or an organisation's.
type Kind string

// The kinds of signature.
const (
	// KindIndividual is a person signing for themselves; counted at once.
	KindIndividual Kind = "individual"
	// KindOrganisation is a person signing a letter on behalf of an
	// organisation; it is listed only after the organisers approve it.
	KindOrganisation Kind = "organisation"
)

// Status is where a signature is in moderation.
type Status string

// The moderation states. Individuals start approved; organisations start pending.
const (
	StatusApproved Status = "approved"
	StatusPending  Status = "pending"
	StatusRejected Status = "rejected"
	// StatusUnconfirmed is a signature waiting for its signer to confirm
	// their address (email: {confirm: true}): counted, listed and exported
	// nowhere, and erased after the campaign's unconfirmed_days.
	StatusUnconfirmed Status = "unconfirmed"
)

// Signature is one person's or organisation's signature on one campaign's
// petition or letter. It holds only what the form asked for: never an IP
// address, never anything derived from one.
type Signature struct {
	// ID is assigned by the store.
	ID int64
	// Org and Campaign are the slugs of the campaign signed; Action is the
	// id of the petition or letter action within it.
	Org, Campaign, Action string
	// Kind and Status drive counting and moderation.
	Kind   Kind
	Status Status

	// Name is the signer's name as typed (trimmed). On a form that asks
	// for the given and family names apart it is JoinName of the two, so
	// lists and letters show it as before.
	Name string
	// GivenName and FamilyName are the two names as typed on a form with
	// name_fields: split; both empty otherwise.
	GivenName, FamilyName string
	// Email is normalised (trimmed, lower-cased); it is the key that makes a
	// second signature by the same person on the same campaign a duplicate.
	Email    string
	Postcode string
	// Country is an ISO 3166-1 alpha-2 code, upper case.
	Country string
	Phone   string
	Comment string
	// Organisation and Role are set for organisation sign-ons on letters.
	Organisation string
	Role         string

	// Public records the signer's choice to have their name (and, for
	// organisations, the organisation) shown on the page. Off by default.
	Public bool
	// ConsentText is the exact consent sentence the signer was shown and
	// ticked; ConsentAt is when. Both are stored with every signature.
	ConsentText string
	ConsentAt   time.Time
	// ContactText is the organisation's sentence asking permission to
	// contact the signer later, exactly as shown, and ContactAt when the
	// signer ticked it. It is a separate, optional choice: both are empty
	// (zero) when the form offered no such box or it was left unticked.
	ContactText string
	ContactAt   time.Time
	// Lang is the language of the page the signer used, such as en.
	Lang string
	// CreatedAt is when the signature was received.
	CreatedAt time.Time

	// Outbox holds the messages this signature causes (an email, a
	// webhook per endpoint). The store writes them in the same
	// transaction as the signature, and only if the signature is
	// inserted: not when it was already signed, not when the batch
	// fails. Empty for most signatures, which then cost nothing more.
	Outbox []Message
}

// Change is one signature as it was before an organiser's or a
// supporter's change (Before) and as the change left it (After): a
// moderation decision, a withdrawn permission to be contacted, a hidden
// name. What a change tells the organisation's systems is worked out
// from the two (webhook.Changes).
type Change struct {
	Before, After Signature
}

// Count is the live tally of one campaign.
type Count struct {
	Org, Campaign string
	// Signatures counts approved signatures of every kind: the number shown
	// against the goal.
	Signatures int
	// Organisations counts approved organisation sign-ons.
	Organisations int
	// Pending counts organisation sign-ons awaiting moderation.
	Pending int
}

// PublicSigner is what a page may show of a signer who opted in.
type PublicSigner struct {
	Name         string
	Organisation string
	Role         string
	Kind         Kind
	CreatedAt    time.Time
}

// DisplayGoal returns the goal to show for count signatures: the
// organisers' goal until it is reached, then the next step above count of
// the ladder 100, 250, 500, 1,000, 2,500, 5,000, 10,000, … (1, 2.5 and 5 at
// every power of ten), so a page never shows a goal already passed.
func DisplayGoal(goal, count int) int {
	if goal > count {
		return goal
	}
	for base := 100; ; base *= 10 {
		for _, step := range []int{base, base * 5 / 2, base * 5} {
			if step > count && step > goal {
				return step
			}
		}
	}
}
