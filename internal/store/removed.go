package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// Removals keeps a removed campaign's rows apart from a later campaign
// given the same slug. A campaign whose file is gone leaves its rows
// (signatures, counts, personal links, outreach) under its name; without
// this, a new campaign of that name counted them as its own and listed
// their public signers as endorsing a letter they never saw. serve
// records each removal at start and after every reload
// (cmd/placard/removed.go), and the rows are moved to a name no campaign
// file can have (KeptApartName) before a campaign of that slug takes a
// signature. Both engines implement it.
//
// Several instances sharing a PostgreSQL database may load different
// files for a while (a rolling deploy). Each call therefore says when
// its caller's files were loaded (loaded), and nothing is done on the
// word of files older than the last thing another instance did about
// that slug: an instance still serving a removed campaign does not keep
// its rows apart, and one that has not yet seen a campaign come back
// does not record it removed again.
type Removals interface {
	// StoredCampaigns lists every org/campaign name under which counts
	// are stored, in org then campaign byte order. A signature always
	// has its campaign's tallies row (AddSignatures writes both), so the
	// tallies, per-source counts and outreach counts name them all
	// without reading a signature.
	StoredCampaigns(ctx context.Context) ([]CampaignName, error)

	// RecordRemoved records that org/campaign has no file any more while
	// rows stand under its name, at at, with retentionDays (0 for none)
	// counted from at, and the Fingerprint of the campaign as last loaded
	// ("" when unknown: removed while no instance served it). It records
	// nothing, and reports false, when that name already has a record,
	// or when a removed campaign of that slug was kept apart, or came
	// back with its fingerprint (KeepApart's Returned), or was served by
	// files read (SeenCampaigns), after loaded: the caller's files are
	// older than the files of the instance that loaded the campaign.
	RecordRemoved(ctx context.Context, org, campaign, fingerprint string, at time.Time, retentionDays int, loaded time.Time) (bool, error)

	// KeepApart moves every row of org/campaign to a name no campaign file
	// can have (KeptApartName, from the removal's day), in ONE
	// transaction with the record's change, when campaign has a record
	// of its removal made no later than loaded (the caller's files are
	// newer than the removal). Otherwise it changes nothing and returns
	// a zero KeptApart. On PostgreSQL it locks signatures as an erasure
	// does, so a signing batch lands wholly before or after it, and two
	// instances keeping the same rows apart move them once.
	//
	// fingerprint is the returning campaign's Fingerprint ("" when none
	// is loaded). When the record's fingerprint is not "" and equal, the
	// campaign is the same one returning (a file missing for one load: a
	// checkout, a hand mv away and back, a rollback): the record is
	// deleted instead, its rows stay where they are, the return is
	// remembered at now (RecordRemoved), and the result says Returned.
	KeepApart(ctx context.Context, org, campaign, fingerprint string, loaded, now time.Time) (KeptApart, error)

	// RemovedCampaigns lists the records of organisation org's removed
	// campaigns ("" for every organisation), in org then name byte order,
	// each with the signatures stored under its name now.
	RemovedCampaigns(ctx context.Context, org string) ([]RemovedCampaign, error)

	// SeenCampaigns remembers that files read at loaded serve each of
	// names (their campaigns, and the old names their redirects keep):
	// RecordRemoved then records none of them from files loaded before,
	// as after a return. Without it an instance still on older files (a
	// rolling update, or the daily purge's settling on the files of its
	// last load) found a campaign new in the newer files missing, and
	// recorded it removed with no fingerprint: the next load kept the
	// live campaign's signatures apart from it, and refused to approve
	// them (ErrRemovedCampaign). serve calls it on every good load,
	// before the campaigns serve. A later time is kept over an earlier.
	SeenCampaigns(ctx context.Context, names []CampaignName, loaded time.Time) error

	// Now is the database's clock. Every time the calls above compare
	// (at, loaded, now) is taken from it by serve, so instances whose
	// own clocks disagree still order their loads and the removals
	// alike (cmd/placard/removed.go converts a time read by the
	// instance's clock by the offset measured now). SQLite's is the
	// host's: one host holds its file.
	Now(ctx context.Context) (time.Time, error)
}

// CreditMargin is how close to a campaign's rows being kept apart a
// credit's first signature may have been counted for the credit to be
// dropped (Store.AddCredits), for moves recorded before migration 041,
// which have no time of their own (moved_at); later moves need no
// margin. Also how long after a move quarantined bundles may have been
// written and still belong to the moved rows (the engines' quarantine.go).
const CreditMargin = time.Minute

// CampaignName is an organisation's slug and a campaign's name.
type CampaignName struct {
	Org, Campaign string
}

// RemovedCampaign is the record of a campaign removed while rows stood
// under its name.
type RemovedCampaign struct {
	Org string
	// Name is where its rows stand now: Campaign until they are kept
	// apart, then its KeptApartName.
	Name string
	// Campaign is the slug it had.
	Campaign string
	// RemovedAt is when a load first found its file gone.
	RemovedAt time.Time
	// RetentionDays is how long after RemovedAt its signatures are kept
	// (the retention of its organisation, or its own when it was last
	// seen); 0 keeps them until erased by hand.
	RetentionDays int
	// KeptApartAt is when its rows were moved to Name, zero before.
	KeptApartAt time.Time
	// Signatures is how many signatures stand under Name now.
	Signatures int
}

// PurgeAt is when r's signatures are past their retention; zero for none.
func (r RemovedCampaign) PurgeAt() time.Time {
	if r.RetentionDays <= 0 {
		return time.Time{}
	}
	return r.RemovedAt.AddDate(0, 0, r.RetentionDays)
}

// KeptApart says what KeepApart did.
type KeptApart struct {
	// Name is where the rows stand now; "" when nothing was moved.
	Name string
	// Returned is true when the campaign came back with the fingerprint
	// it was removed with: its record was deleted and its rows stay
	// under its slug (Name is "").
	Returned bool
	MoveResult
}

// Fingerprint is what a removal record keeps of a campaign to know it
// again: the SHA-256 (hex) of its title in its organisation's default
// language, what a person recognises as "the same letter". A letter
// replaced by another has another title. Only the title goes in: no
// signer's detail.
func Fingerprint(title string) string {
	sum := sha256.Sum256([]byte(strings.TrimSpace(title)))
	return hex.EncodeToString(sum[:])
}

// keptApartMark is what a kept-apart name holds after the slug. '~' is in
// no slug a campaign file can have (lower-case letters, digits and
// hyphens), nor in any name `placard signatures move` accepts as the new
// one, so no campaign can ever take these rows by its name.
const keptApartMark = "~removed-"

// KeptApartName is the name a removed campaign's rows are kept apart
// under: the slug, "~removed-" and the day of removal (UTC), and "-n"
// for the nth removal of that slug that day (n > 1).
func KeptApartName(campaign string, removed time.Time, n int) string {
	name := campaign + keptApartMark + removed.UTC().Format("20060102")
	if n > 1 {
		name += fmt.Sprintf("-%d", n)
	}
	return name
}

// IsKeptApart reports whether name holds KeptApartName's mark: no
// campaign file's slug can.
func IsKeptApart(name string) bool { return strings.Contains(name, keptApartMark) }

// KeptApartSlug returns the slug of a name KeptApartName gives (any slug
// before the mark, then eight digits and an optional -n), and whether
// name is one.
func KeptApartSlug(name string) (string, bool) {
	slug, rest, ok := strings.Cut(name, keptApartMark)
	if !ok || slug == "" || len(rest) < 8 {
		return "", false
	}
	day, n := rest[:8], rest[8:]
	if strings.Trim(day, "0123456789") != "" {
		return "", false
	}
	if n != "" {
		if len(n) < 2 || n[0] != '-' || n[1] == '0' || strings.Trim(n[1:], "0123456789") != "" || len(n) > 6 {
			return "", false
		}
	}
	return slug, true
}
