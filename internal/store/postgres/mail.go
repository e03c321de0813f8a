package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/internal/tally"
)

var _ store.Mail = (*DB)(nil)

// sigColumns are the columns scanSig reads, in its order.
const sigColumns = `id, org, campaign, action, kind, status, name, email,
	postcode, country, phone, comment, organisation, role, public, consent_text, consent_at,
	contact_text, contact_at, lang, created_at, given_name, family_name`

// scanSig reads one row of sigColumns.
func scanSig(row pgx.Row) (signing.Signature, error) {
	var s signing.Signature
	var kind, st string
	var contactAt *time.Time
	if err := row.Scan(&s.ID, &s.Org, &s.Campaign, &s.Action, &kind, &st, &s.Name, &s.Email,
		&s.Postcode, &s.Country, &s.Phone, &s.Comment, &s.Organisation, &s.Role, &s.Public,
		&s.ConsentText, &s.ConsentAt, &s.ContactText, &contactAt, &s.Lang, &s.CreatedAt,
		&s.GivenName, &s.FamilyName); err != nil {
		return s, err
	}
	s.Kind, s.Status = signing.Kind(kind), signing.Status(st)
	if contactAt != nil {
		s.ContactAt = contactAt.UTC()
	}
	s.ConsentAt, s.CreatedAt = s.ConsentAt.UTC(), s.CreatedAt.UTC()
	return s, nil
}

// Confirm moves email's unconfirmed signature on org/campaign to the
// status it would have had (store.Mail), counting it in the same
// transaction.
func (db *DB) Confirm(ctx context.Context, org, campaign, email string) (signing.Signature, error) {
	return db.ConfirmSigned(ctx, org, campaign, email, time.Time{}, nil)
}

// EraseUnconfirmed erases the signatures still unconfirmed from before
// before (store.Mail) with their undelivered messages (their
// confirmation email, their webhooks, which hold the name and comment),
// then rewrites the tables as Erase does.
func (db *DB) EraseUnconfirmed(ctx context.Context, org, campaign string, before time.Time) (_ int, err error) {
	defer failed(&err, "erasing unconfirmed signatures")
	if org == "" {
		return db.eraseWhere(ctx, eraseMessagesOf, `status = 'unconfirmed' AND created_at < $1`, []any{before}, nil)
	}
	return db.eraseWhere(ctx, eraseMessagesOf, `status = 'unconfirmed' AND created_at < $1 AND org = $2 AND campaign = $3`, []any{before, org, campaign}, nil)
}

// eraseMessagesOf deletes in tx the undelivered messages of the
// signatures matching where (with args): every message of the same
// organisation, campaign and address, bundled ones taken apart first
// (bundle.go), and every damaged bundle that may hold one of their
// addresses, counted in ev (quarantine.go). It runs before the
// signatures are deleted.
func eraseMessagesOf(ctx context.Context, tx pgx.Tx, ev *store.QuarantineEvent, where string, args ...any) (int64, error) {
	// The hourly sweep mostly finds nothing: then bundles stay as they are.
	var found bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM signatures WHERE `+where+`)`, args...).Scan(&found); err != nil || !found {
		return 0, err
	}
	if err := unbundle(ctx, tx, 0, ev); err != nil {
		return 0, err
	}
	removed, err := dropQuarantinedOf(ctx, tx, where, args, ev)
	if err != nil {
		return 0, err
	}
	// Inside the subquery the bare column names are the signatures'.
	tag, err := tx.Exec(ctx, `DELETE FROM outbox WHERE (org, campaign, email) IN
		(SELECT org, campaign, email FROM signatures WHERE `+where+`)`, args...)
	return tag.RowsAffected() + removed, err
}

// EraseSupporter erases email's signatures and unsubscription on org's
// campaigns (store.Mail).
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
	first := func(ctx context.Context, tx pgx.Tx, _ *store.QuarantineEvent, where string, args ...any) (int64, error) {
		var err error
		erased, err = erasedRows(ctx, tx, tell, where, args...) // tell.go
		return 0, err
	}
	// The address's unsubscription stays, as its keyed hash alone
	// (store.Mail.Suppress): erased, it must not be mailed again.
	also := func(tx pgx.Tx, ev *store.QuarantineEvent) (int64, error) {
		// The address's undelivered messages in org go too: webhooks and
		// emails hold the same details as the signatures. Bundled ones
		// are taken apart first (bundle.go), and damaged bundles that
		// may hold the address go (quarantine.go).
		if err := unbundle(ctx, tx, 0, ev); err != nil {
			return 0, err
		}
		removed, err := dropQuarantined(ctx, tx, ev, org, email)
		if err != nil {
			return 0, err
		}
		ob, until, err := deleteMessages(ctx, tx, "org = $1 AND email = $2", org, email) // tell.go
		if err != nil {
			return 0, err
		}
		erased.until = until
		// And the keyed hash saying it wrote to org's decision-makers.
		w, err := eraseSenderIn(ctx, tx, key, org, email) // outreach.go
		if err != nil {
			return 0, err
		}
		// And the inbox's pace row (mailpace.go): erased, nothing is kept of it.
		if err := erasePace(ctx, tx, key, email); err != nil {
			return 0, err
		}
		return ob + removed + w, queueErased(ctx, tx, tell, erased)
	}
	return db.eraseWhere(ctx, first, `email = $1 AND org = $2`, []any{email, org}, also)
}

// eraseWhere deletes the signatures matching where (with args), adjusting
// the tallies and running first (when set, before the signatures go,
// with where and args) and also (when set, after) in the same
// transaction, and wipes as Erase does when anything was deleted. first
// and also count in ev what they did with damaged bundles
// (quarantine.go), told once the transaction commits.
func (db *DB) eraseWhere(ctx context.Context, first func(context.Context, pgx.Tx, *store.QuarantineEvent, string, ...any) (int64, error), where string, args []any, also func(pgx.Tx, *store.QuarantineEvent) (int64, error)) (int, error) {
	n := 0
	var more int64
	var ev store.QuarantineEvent
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		more, ev = 0, store.QuarantineEvent{}
		if err := lockSigning(ctx, tx); err != nil { // postgres.go
			return err
		}
		if first != nil {
			k, err := first(ctx, tx, &ev, where, args...)
			if err != nil {
				return err
			}
			more += k
		}
		ds, k, err := deleteSignatures(ctx, tx, where, args...)
		if err != nil {
			return err
		}
		n = k
		if erasing != nil {
			erasing()
		}
		if also != nil {
			m, err := also(tx, &ev)
			if err != nil {
				return err
			}
			more += m
		}
		if err := applyDeltas(ctx, tx, &ds); err != nil {
			return err
		}
		if n == 0 && more == 0 {
			return nil
		}
		return owe(ctx, tx, wipeTables) // last (rewrites.go)
	})
	if err != nil {
		return 0, err
	}
	db.quarantined(ev)
	if n == 0 && more == 0 {
		return 0, nil
	}
	return n, db.rewrite(ctx)
}

// Suppress records that address wants no more email from org (store.Mail).
func (db *DB) Suppress(ctx context.Context, org string, address [32]byte, at time.Time) (err error) {
	defer failed(&err, "recording an unsubscription")
	_, err = db.pool.Exec(ctx, `INSERT INTO mail_suppressions (org, address_hash, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (org, address_hash) DO NOTHING`, org, address[:], at.UTC())
	return err
}

// Suppressed reports whether address is on org's suppression list.
func (db *DB) Suppressed(ctx context.Context, org string, address [32]byte) (_ bool, err error) {
	defer failed(&err, "reading the suppression list")
	var one int
	err = db.pool.QueryRow(ctx, `SELECT 1 FROM mail_suppressions WHERE org = $1 AND address_hash = $2`, org, address[:]).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// Supporter returns email's signatures on org's campaigns, oldest first.
func (db *DB) Supporter(ctx context.Context, org, email string) (_ []signing.Signature, err error) {
	defer failed(&err, "reading a supporter's signatures")
	rows, err := db.pool.Query(ctx, `SELECT `+sigColumns+` FROM signatures WHERE email = $1 AND org = $2 ORDER BY id`, email, org)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []signing.Signature
	for rows.Next() {
		s, err := scanSig(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// WithdrawContact forgets email's permission to be contacted on org's
// campaigns (store.Mail), queueing tell's messages in the same
// transaction.
func (db *DB) WithdrawContact(ctx context.Context, org, email string, tell store.Tell) (_ int, err error) {
	defer failed(&err, "withdrawing permission to contact")
	n := 0
	err = pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if err := lockForChange(ctx, tx); err != nil {
			return err
		}
		const where = ` WHERE email = $1 AND org = $2 AND (contact_text != '' OR contact_at IS NOT NULL)`
		before, err := readSigs(ctx, tx, `SELECT `+sigColumns+` FROM signatures`+where+` ORDER BY id FOR UPDATE`, email, org)
		if err != nil || len(before) == 0 {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE signatures SET contact_text = '', contact_at = NULL`+where, email, org); err != nil {
			return err
		}
		changes := make([]signing.Change, len(before))
		for i, b := range before {
			a := b
			a.ContactText, a.ContactAt = "", time.Time{}
			changes[i] = signing.Change{Before: b, After: a}
		}
		n = len(changes)
		return queueTold(ctx, tx, tell, changes)
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// HideName takes email's signatures on org's campaigns off public lists,
// moving each campaign's revision so pages stop showing the name, and
// queues tell's messages in the same transaction.
func (db *DB) HideName(ctx context.Context, org, email string, tell store.Tell) (_ int, err error) {
	defer failed(&err, "hiding a supporter's name")
	n := 0
	err = pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if err := lockForChange(ctx, tx); err != nil {
			return err
		}
		const where = ` WHERE email = $1 AND org = $2 AND public`
		before, err := readSigs(ctx, tx, `SELECT `+sigColumns+` FROM signatures`+where+` ORDER BY id FOR UPDATE`, email, org)
		if err != nil || len(before) == 0 {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE signatures SET public = false`+where, email, org); err != nil {
			return err
		}
		var ds tally.Deltas
		changes := make([]signing.Change, len(before))
		for i, b := range before {
			a := b
			a.Public = false
			changes[i] = signing.Change{Before: b, After: a}
			ds.Add(tally.Key{Org: org, Campaign: b.Campaign}, tally.Delta{})
		}
		if err := applyDeltas(ctx, tx, &ds); err != nil {
			return err
		}
		n = len(changes)
		return queueTold(ctx, tx, tell, changes)
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}
