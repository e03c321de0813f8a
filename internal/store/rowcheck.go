package store

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/placard/placard/internal/signing"
)

// ErrInvalidSignature is the per-row result AddSignatures gives a
// signature the tables would refuse (CheckSignature). The rest of its
// batch is stored as usual; that one is not stored.
var ErrInvalidSignature = errors.New("store: a signature the database cannot hold")

// InvalidSignatureError says which field of a signature the store refused
// and why, without its value (the value may be personal). errors.Is
// matches it against ErrInvalidSignature.
type InvalidSignatureError struct {
	// Field is the signature's field (its Go name).
	Field string
	// Reason says what is wrong, in words an operator can act on.
	Reason string
	// Problem is what is wrong, as a code a signing form can word for
	// the signer (internal/web: the field's own check message).
	Problem RowProblem
}

// RowProblem is what CheckSignature found wrong with a field.
type RowProblem string

// The problems CheckSignature reports.
const (
	// ProblemNotListed: a kind or status outside the tables' lists.
	ProblemNotListed RowProblem = "notlisted"
	// ProblemKeyTooLong: email, organisation and campaign together past
	// MaxKeyBytes.
	ProblemKeyTooLong RowProblem = "keytoolong"
	// ProblemNUL: text holding a NUL character.
	ProblemNUL RowProblem = "nul"
	// ProblemNotUTF8: text that is not valid UTF-8.
	ProblemNotUTF8 RowProblem = "notutf8"
	// ProblemTime: a time outside the years 1 to 9999.
	ProblemTime RowProblem = "time"
)

func (e *InvalidSignatureError) Error() string {
	return "store: signature not stored: its " + e.Field + " " + e.Reason
}

// Is makes errors.Is(err, ErrInvalidSignature) true.
func (e *InvalidSignatureError) Is(target error) bool { return target == ErrInvalidSignature }

// MaxKeyBytes is the most bytes a signature's Email, Org and Campaign may
// take together. They form the unique key, and PostgreSQL refuses a
// B-tree index entry over about 2700 bytes — failing the whole batch. The
// signing form allows 254 characters of address (at most 1016 bytes) and
// slugs are short, so a real signature is far below it.
const MaxKeyBytes = 2048

// CheckSignature reports, as an *InvalidSignatureError, whether s holds a
// value a signatures table constraint or column type would refuse: a kind
// or status outside the lists the tables allow, text that is not UTF-8 or
// holds a NUL byte (PostgreSQL's text refuses both), a key too long to
// index, or a time outside the years 1 to 9999 (the SQLite engine's fixed-
// width times; PostgreSQL's range is wider). signing.Check never produces
// such a row; engines call this on each row before any SQL so that a bad
// row is refused alone — one row the database refused would fail its whole
// batch, other people's valid signatures with it, and PostgreSQL would
// write the refused row, personal data and all, to its server log
// ("Failing row contains …"). It allocates nothing for a valid row.
func CheckSignature(s *signing.Signature) error {
	switch s.Kind {
	case signing.KindIndividual, signing.KindOrganisation:
	default:
		return &InvalidSignatureError{"Kind", "is not individual or organisation", ProblemNotListed}
	}
	switch s.Status {
	case signing.StatusApproved, signing.StatusPending, signing.StatusRejected, signing.StatusUnconfirmed:
	default:
		return &InvalidSignatureError{"Status", "is not approved, pending, rejected or unconfirmed", ProblemNotListed}
	}
	if len(s.Email)+len(s.Org)+len(s.Campaign) > MaxKeyBytes {
		return &InvalidSignatureError{"Email", "with its organisation and campaign is too long to store", ProblemKeyTooLong}
	}
	for _, f := range [...]struct {
		name, v string
	}{
		// The given and family names before the name joined from them,
		// so a refusal names the field the signer typed it in.
		{"Org", s.Org}, {"Campaign", s.Campaign}, {"Action", s.Action},
		{"GivenName", s.GivenName}, {"FamilyName", s.FamilyName}, {"Name", s.Name},
		{"Email", s.Email}, {"Postcode", s.Postcode}, {"Country", s.Country}, {"Phone", s.Phone},
		{"Comment", s.Comment}, {"Organisation", s.Organisation}, {"Role", s.Role},
		{"ConsentText", s.ConsentText}, {"Lang", s.Lang}, {"ContactText", s.ContactText},
	} {
		if strings.IndexByte(f.v, 0) >= 0 {
			return &InvalidSignatureError{f.name, "holds a NUL character", ProblemNUL}
		}
		if !utf8.ValidString(f.v) {
			return &InvalidSignatureError{f.name, "is not valid UTF-8 text", ProblemNotUTF8}
		}
	}
	if !storableTime(s.ConsentAt) {
		return &InvalidSignatureError{"ConsentAt", "is outside the years 1 to 9999", ProblemTime}
	}
	if !storableTime(s.CreatedAt) {
		return &InvalidSignatureError{"CreatedAt", "is outside the years 1 to 9999", ProblemTime}
	}
	if !s.ContactAt.IsZero() && !storableTime(s.ContactAt) {
		return &InvalidSignatureError{"ContactAt", "is outside the years 1 to 9999", ProblemTime}
	}
	return nil
}

// storableTime reports whether t, in UTC, falls in the years 1 to 9999.
func storableTime(t time.Time) bool {
	y := t.UTC().Year()
	return y >= 1 && y <= 9999
}

// Refusals counts the signatures refused with ErrInvalidSignature, per
// organisation and campaign (migration 048), where an operator sees
// them: the console's dashboard and placard stats. Counts only: no
// address, no field value, no time. Both engines implement it beside
// Store; storetest's RefusedCounts is its suite.
type Refusals interface {
	// NoteRefused counts one signature of org's campaign refused.
	NoteRefused(ctx context.Context, org, campaign string) error

	// RefusedCounts returns NoteRefused's counts of org by campaign
	// (campaigns with none left out).
	RefusedCounts(ctx context.Context, org string) (map[string]int, error)
}
