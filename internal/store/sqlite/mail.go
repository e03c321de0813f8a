package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/internal/tally"
)

var _ store.Mail = (*DB)(nil)

// Confirm moves email's unconfirmed signature on org/campaign to the
// status it would have had (store.Mail), counting it in the same
// transaction.
func (db *DB) Confirm(ctx context.Context, org, campaign, email string) (signing.Signature, error) {
	return db.ConfirmSigned(ctx, org, campaign, email, time.Time{}, nil)
}

// sigColumns are the columns scanSig reads, in its order.
const sigColumns = `id, org, campaign, action, kind, status, name, email,
	postcode, country, phone, comment, organisation, role, public, consent_text, consent_at,
	contact_text, contact_at, lang, created_at, given_name, family_name`

// scanSig reads one row of sigColumns through scan.
func scanSig(scan func(...any) error) (signing.Signature, error) {
	var s signing.Signature
	var kind, st, consentAt, contactAt, created string
	var public int
	if err := scan(&s.ID, &s.Org, &s.Campaign, &s.Action, &kind, &st, &s.Name, &s.Email,
		&s.Postcode, &s.Country, &s.Phone, &s.Comment, &s.Organisation, &s.Role, &public,
		&s.ConsentText, &consentAt, &s.ContactText, &contactAt, &s.Lang, &created,
		&s.GivenName, &s.FamilyName); err != nil {
		return s, err
	}
	s.Kind, s.Status, s.Public = signing.Kind(kind), signing.Status(st), public == 1
	var err error
	if s.ConsentAt, err = parseTime(consentAt); err != nil {
		return s, err
	}
	if contactAt != "" {
		if s.ContactAt, err = parseTime(contactAt); err != nil {
			return s, err
		}
	}
	if s.CreatedAt, err = parseTime(created); err != nil {
		return s, err
	}
	return s, nil
}

// EraseUnconfirmed erases the signatures still unconfirmed from before
// before (store.Mail) with their undelivered messages (their
// confirmation email, their webhooks, which hold the name and comment),
// then wipes as Erase does.
func (db *DB) EraseUnconfirmed(ctx context.Context, org, campaign string, before time.Time) (_ int, err error) {
	defer failed(&err, "erasing unconfirmed signatures")
	if org == "" {
		return db.eraseWhere(ctx, eraseMessagesOf, `status = 'unconfirmed' AND created_at < ?`, []any{formatTime(before)}, nil)
	}
	return db.eraseWhere(ctx, eraseMessagesOf, `status = 'unconfirmed' AND created_at < ? AND org = ? AND campaign = ?`, []any{formatTime(before), org, campaign}, nil)
}

// eraseMessagesOf deletes in tx the undelivered messages of the
// signatures matching where (with args): every message of the same
// organisation, campaign and address, and every damaged bundle that may
// hold one of their addresses, counted in ev (quarantine.go). It runs
// before the signatures are deleted.
func eraseMessagesOf(ctx context.Context, tx *sql.Tx, ev *store.QuarantineEvent, where string, args ...any) (int64, error) {
	// The hourly sweep mostly finds nothing: then the outbox, which has
	// no index by address (migration 017), is not read.
	var found bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM signatures WHERE `+where+`)`, args...).Scan(&found); err != nil || !found {
		return 0, err
	}
	// Bundled messages are taken apart first (bundle.go).
	if err := unbundle(ctx, tx, nil, 0, ev); err != nil {
		return 0, err
	}
	removed := ev.Removed
	if err := dropQuarantinedOf(ctx, tx, where, args, ev); err != nil {
		return 0, err
	}
	// Inside the subquery the bare column names are the signatures'.
	res, err := tx.ExecContext(ctx, `DELETE FROM outbox WHERE (org, campaign, email) IN
		(SELECT org, campaign, email FROM signatures WHERE `+where+`)`, args...)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return n + int64(ev.Removed-removed), err
}

// EraseSupporter erases email's signatures on org's campaigns
// (store.Mail).
func (db *DB) EraseSupporter(ctx context.Context, org, email string) (int, error) {
	return db.EraseSupporterTold(ctx, org, email, nil)
}

// EraseSupporterTold is EraseSupporter queueing what tell returns in the
// erasure's own transaction (store.Erasures).
func (db *DB) EraseSupporterTold(ctx context.Context, org, email string, tell store.TellErased) (_ int, err error) {
	defer failed(&err, "erasing a supporter's signatures")
	key, err := db.Secret(ctx)
	if err != nil {
		return 0, err
	}
	// What the erasure tells is read before the signatures go.
	var erased erasure
	first := func(ctx context.Context, tx *sql.Tx, _ *store.QuarantineEvent, where string, args ...any) (int64, error) {
		var err error
		erased, err = erasedRows(ctx, tx, tell, where, args...)
		return 0, err
	}
	// The address's unsubscription stays, as its keyed hash alone
	// (store.Mail.Suppress): erased, it must not be mailed again.
	also := func(tx *sql.Tx, ev *store.QuarantineEvent) (int64, error) {
		// The address's undelivered messages in org go too: webhooks and
		// emails hold the same details as the signatures. Bundled ones
		// are taken apart first (bundle.go), and damaged bundles that
		// may hold the address go (quarantine.go).
		if err := unbundle(ctx, tx, nil, 0, ev); err != nil {
			return 0, err
		}
		if err := dropQuarantined(ctx, tx, ev, org, email); err != nil {
			return 0, err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM outbox WHERE org = ? AND email = ?`, org, email)
		if err != nil {
			return 0, err
		}
		m, err := res.RowsAffected()
		if err != nil {
			return 0, err
		}
		m += int64(ev.Removed)
		// And the keyed hash saying it wrote to org's decision-makers.
		w, err := eraseSenderIn(ctx, tx, key, org, email) // outreach.go
		if err != nil {
			return 0, err
		}
		// And the inbox's pace row (mailpace.go): erased, nothing is kept of it.
		if err := erasePace(ctx, tx, key, email); err != nil {
			return 0, err
		}
		return m + w, queueErased(ctx, tx, tell, erased) // tell.go
	}
	return db.eraseWhere(ctx, first, `email = ? AND org = ?`, []any{email, org}, also)
}

// eraseWhere deletes the signatures matching where (with args), adjusting
// the tallies in the same transaction, runs first (when set, before the
// signatures go, with where and args) and also (when set, after) in it
// too, and wipes as Erase does when anything was deleted. first and
// also count in their last argument what they did with damaged bundles
// (quarantine.go), told once the transaction commits.
func (db *DB) eraseWhere(ctx context.Context, first func(context.Context, *sql.Tx, *store.QuarantineEvent, string, ...any) (int64, error), where string, args []any, also func(*sql.Tx, *store.QuarantineEvent) (int64, error)) (int, error) {
	tallyStmt, err := db.tallyStmt(ctx)
	if err != nil {
		return 0, err
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	var more int64
	var ev store.QuarantineEvent
	if first != nil {
		if more, err = first(ctx, tx, &ev, where, args...); err != nil {
			return 0, err
		}
	}
	ds, n, err := deleteSignatures(ctx, tx, where, args...)
	if err != nil {
		return 0, err
	}
	if erasing != nil {
		erasing()
	}
	if also != nil {
		m, err := also(tx, &ev)
		if err != nil {
			return 0, err
		}
		more += m
	}
	if n == 0 && more == 0 {
		return 0, nil
	}
	if err := applyDeltas(ctx, tx, tallyStmt, &ds); err != nil {
		return 0, err
	}
	if err := owe(ctx, tx); err != nil { // rewrites.go
		return 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, err
	}
	db.quarantined(ev)
	if n > 0 {
		db.changed()
	}
	return n, db.wipe(ctx)
}

// Suppress records that address wants no more email from org (store.Mail).
func (db *DB) Suppress(ctx context.Context, org string, address [32]byte, at time.Time) (err error) {
	defer failed(&err, "recording an unsubscription")
	_, err = db.w.ExecContext(ctx, `INSERT INTO mail_suppressions (org, address_hash, created_at) VALUES (?, ?, ?)
		ON CONFLICT (org, address_hash) DO NOTHING`, org, address[:], formatTime(at))
	return err
}

// Suppressed reports whether address is on org's suppression list.
func (db *DB) Suppressed(ctx context.Context, org string, address [32]byte) (_ bool, err error) {
	defer failed(&err, "reading the suppression list")
	var one int
	err = db.r.QueryRowContext(ctx, `SELECT 1 FROM mail_suppressions WHERE org = ? AND address_hash = ?`, org, address[:]).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// Supporter returns email's signatures on org's campaigns, oldest first.
func (db *DB) Supporter(ctx context.Context, org, email string) (_ []signing.Signature, err error) {
	defer failed(&err, "reading a supporter's signatures")
	rows, err := db.r.QueryContext(ctx, `SELECT `+sigColumns+` FROM signatures WHERE email = ? AND org = ? ORDER BY id`, email, org)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []signing.Signature
	for rows.Next() {
		s, err := scanSig(rows.Scan)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// WithdrawContact forgets email's permission to be contacted on org's
// campaigns (store.Mail), queueing tell's messages in the same
// transaction. The sentence is overwritten in place, and secure_delete
// zeroes what the old row held.
func (db *DB) WithdrawContact(ctx context.Context, org, email string, tell store.Tell) (_ int, err error) {
	defer failed(&err, "withdrawing permission to contact")
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	const where = ` WHERE email = ? AND org = ? AND (contact_text != '' OR contact_at != '')`
	before, err := readSigs(ctx, tx, `SELECT `+sigColumns+` FROM signatures`+where+` ORDER BY id`, email, org)
	if err != nil || len(before) == 0 {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE signatures SET contact_text = '', contact_at = ''`+where, email, org); err != nil {
		return 0, err
	}
	changes := make([]signing.Change, len(before))
	for i, b := range before {
		a := b
		a.ContactText, a.ContactAt = "", time.Time{}
		changes[i] = signing.Change{Before: b, After: a}
	}
	if err := queueTold(ctx, tx, tell, changes); err != nil {
		return 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, err
	}
	return len(changes), nil
}

// HideName takes email's signatures on org's campaigns off public lists,
// moving each campaign's revision so pages stop showing the name, and
// queues tell's messages in the same transaction.
func (db *DB) HideName(ctx context.Context, org, email string, tell store.Tell) (_ int, err error) {
	defer failed(&err, "hiding a supporter's name")
	tallyStmt, err := db.tallyStmt(ctx)
	if err != nil {
		return 0, err
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	const where = ` WHERE email = ? AND org = ? AND public = 1`
	before, err := readSigs(ctx, tx, `SELECT `+sigColumns+` FROM signatures`+where+` ORDER BY id`, email, org)
	if err != nil || len(before) == 0 {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE signatures SET public = 0`+where, email, org); err != nil {
		return 0, err
	}
	var ds tally.Deltas
	changes := make([]signing.Change, len(before))
	for i, b := range before {
		a := b
		a.Public = false
		changes[i] = signing.Change{Before: b, After: a}
		ds.Add(tally.Key{Org: org, Campaign: b.Campaign}, tally.Delta{})
	}
	if err := applyDeltas(ctx, tx, tallyStmt, &ds); err != nil {
		return 0, err
	}
	if err := queueTold(ctx, tx, tell, changes); err != nil {
		return 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, err
	}
	db.changed()
	return len(changes), nil
}
