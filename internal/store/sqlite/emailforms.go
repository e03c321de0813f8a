package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/placard/placard/internal/accounts"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// respeltSQL lists the stored addresses whose current form may differ
// from what is stored: any with a character beyond ASCII, an A-label, or
// a capital. An ASCII address in lower case without xn-- is already in
// NormaliseEmail's form, so most of a large table is skipped. (LIKE is
// case-blind for ASCII: it finds XN-- too.)
const respeltSQL = `SELECT email FROM signatures WHERE email GLOB '*[^ -~]*' OR email LIKE '%xn--%' OR email <> lower(email)
	UNION SELECT email FROM outbox WHERE email <> '' AND (email GLOB '*[^ -~]*' OR email LIKE '%xn--%' OR email <> lower(email))
	UNION SELECT email FROM organisers WHERE email GLOB '*[^ -~]*' OR email LIKE '%xn--%' OR email <> lower(email)
	ORDER BY 1`

// respeltDuplicatesSQL picks, for each campaign where old spelling ?1 and
// current form ?2 both signed, the signature that goes: the later one, an
// unconfirmed one giving way to a confirmed one (as rename.go merges),
// and any other giving way to an approved one: the approved signature is
// the counted one, which a rewrite must never take off (a moderator may
// have rejected the earlier spelling as a repeat).
const respeltDuplicatesSQL = `id IN (SELECT CASE
		WHEN (a.status <> 'approved', a.status = 'unconfirmed', a.created_at, a.id) <=
			(b.status <> 'approved', b.status = 'unconfirmed', b.created_at, b.id) THEN b.id
		ELSE a.id END
	FROM signatures a JOIN signatures b ON b.email = ?2 AND b.org = a.org AND b.campaign = a.campaign
	WHERE a.email = ?1)`

// respeltOutboxSQL lists the undelivered messages whose address may be
// in an old spelling, by id: the outbox has no index of addresses (it
// was dropped to keep queueing cheap, 017), so an UPDATE by address for
// each old spelling read the whole outbox each time — with tens of
// thousands of messages waiting and of spellings to rewrite, minutes of
// holding the writer at a start. Each is rewritten by its id instead.
const respeltOutboxSQL = `SELECT id, email FROM outbox WHERE email <> '' AND (email GLOB '*[^ -~]*' OR email LIKE '%xn--%' OR email <> lower(email))`

// respeltOutboxUpdate rewrites one message's address (respeltOutboxSQL).
const respeltOutboxUpdate = `UPDATE outbox SET email = ? WHERE id = ?`

// respeltSQLs rewrite old spelling ?1 as current form ?2 once the
// duplicates are gone and organiser accounts of both spellings merged
// (mergeOrganisers); the NOT EXISTS guard only keeps the unique key safe.
var respeltSQLs = []string{
	`UPDATE signatures SET email = ?2 WHERE email = ?1`,
	`UPDATE organisers SET email = ?2 WHERE email = ?1
		AND NOT EXISTS (SELECT 1 FROM organisers o WHERE o.org = organisers.org AND o.email = ?2)`,
}

// mergeOrganisers merges each organiser account of spelling old into its
// organisation's account of current form cur, when there is one
// (store.EmailForms): the weaker role stays (store.MergeRole), sessions, sign-in links
// and passkeys move over (a passkey with the user handle it was made
// with), and the account of the old spelling goes. Two accounts were
// left side by side before: the person signed in to the one of the
// current spelling, and the other — perhaps the editor, with the
// passkeys — could no longer be reached by address. It adds to res's
// Merged and RolesLowered.
func mergeOrganisers(ctx context.Context, tx *sql.Tx, old, cur string, res *store.RenormaliseResult) error {
	type pair struct {
		gone, kept         int64
		goneRole, keptRole accounts.Role
		org                string
	}
	rows, err := tx.QueryContext(ctx, `SELECT g.id, k.id, g.role, k.role, g.org FROM organisers g
		JOIN organisers k ON k.org = g.org AND k.email = ?2 WHERE g.email = ?1`, old, cur)
	if err != nil {
		return err
	}
	var pairs []pair
	for rows.Next() {
		var p pair
		if err := rows.Scan(&p.gone, &p.kept, &p.goneRole, &p.keptRole, &p.org); err != nil {
			rows.Close()
			return err
		}
		pairs = append(pairs, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, p := range pairs {
		res.Merged++
		role := store.MergeRole(p.keptRole, p.goneRole)
		if p.keptRole != p.goneRole {
			res.RolesLowered++
			// The organisation's log says whose role it was and why
			// (accounts.ActRoleMerged), in this same transaction.
			other := p.keptRole
			if other == role {
				other = p.goneRole
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO audit_log (org, actor, action, detail, at) VALUES (?, ?, ?, ?, ?)`,
				p.org, cur, string(accounts.ActRoleMerged), accounts.MergedRoleDetail(role, other),
				formatTime(time.Now().UTC().Truncate(time.Microsecond))); err != nil {
				return err
			}
		}
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`UPDATE organisers SET role = ? WHERE id = ?`, []any{string(role), p.kept}},
			{`UPDATE organiser_sessions SET organiser_id = ? WHERE organiser_id = ?`, []any{p.kept, p.gone}},
			{`UPDATE organiser_tokens SET organiser_id = ? WHERE organiser_id = ?`, []any{p.kept, p.gone}},
			{`UPDATE organiser_credentials SET organiser_id = ?,
				user_handle = CASE WHEN length(user_handle) = 0 THEN ? ELSE user_handle END WHERE organiser_id = ?`,
				[]any{p.kept, accounts.UserHandle(p.gone), p.gone}},
			{`DELETE FROM organisers WHERE id = ?`, []any{p.gone}},
		} {
			if _, err := tx.ExecContext(ctx, q.sql, q.args...); err != nil {
				return err
			}
		}
	}
	return nil
}

// RenormaliseEmails rewrites stored addresses in their current form
// (store.EmailForms).
func (db *DB) RenormaliseEmails(ctx context.Context) (res store.RenormaliseResult, err error) {
	defer failed(&err, "rewriting stored addresses in their current form")
	return db.renormaliseEmails(ctx, false)
}

// OpenRewrite is what the rewrites Open ran did (store.EmailForms).
func (db *DB) OpenRewrite() store.RenormaliseResult { return db.openRewrite }

var _ store.EmailForms = (*DB)(nil)

// renormaliseOnce runs the rewrite migration 024 asked for, if it has not
// run yet, and then looks for late rows (renormaliseLate): at Open, after
// the migrations.
func (db *DB) renormaliseOnce(ctx context.Context) error {
	// A read first: most starts find nothing asked, and take no write lock.
	var n int
	if err := db.w.QueryRowContext(ctx, `SELECT count(*) FROM settings WHERE key = 'renormalise_emails'`).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		res, err := db.renormaliseEmails(ctx, true)
		if err != nil {
			return err
		}
		db.openRewrite = db.openRewrite.Add(res)
	}
	return db.renormaliseLate(ctx)
}

// The late-row look's queries (store.LateMarkKey): the maxima of the
// marked tables, and the rows past the marks that may not be in their
// current form — by the primary key, so a start reads only what was
// stored since the last — and, while an old instance is seen writing,
// waiting messages with an A-label.
const (
	lateTopsSQL       = `SELECT (SELECT coalesce(max(id), 0) FROM signatures), (SELECT coalesce(max(id), 0) FROM organisers)`
	lateSignaturesSQL = `SELECT email FROM signatures WHERE id > ? AND id <= ? AND (email LIKE '%xn--%' OR email GLOB '*[^ -~]*' OR email <> lower(email))`
	lateOrganisersSQL = `SELECT email FROM organisers WHERE id > ? AND id <= ?`
	lateOutboxSQL     = `SELECT email FROM outbox WHERE email LIKE '%xn--%'`
)

// renormaliseLate reruns the rewrite when a row stored since the last
// look is not in its current form: a placard from before 024 cannot
// open this file once 024 is in it, but one that had it open already
// (or a copy restored from before) can still write the old spellings.
// A start with nothing stored since the last look reads four settings
// and two maxima and takes no write lock; otherwise it reads only the
// newer rows and moves the marks on (store.LateMarkKey). SQLite has one
// writer, so ids are taken in commit order: no row at or below a mark
// can appear after the look.
func (db *DB) renormaliseLate(ctx context.Context) error {
	marks := map[string][]byte{}
	rows, err := db.w.QueryContext(ctx, `SELECT key, value FROM settings WHERE key IN (?, ?, ?)`,
		store.LateMarkKey, store.LateOrganisersKey, store.LateSeenKey)
	if err != nil {
		return err
	}
	for rows.Next() {
		var k string
		var v []byte
		if err := rows.Scan(&k, &v); err != nil {
			rows.Close()
			return err
		}
		marks[k] = v
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	sigMark, orgMark := store.ParseLateMark(marks[store.LateMarkKey]), store.ParseLateMark(marks[store.LateOrganisersKey])
	seenValue, seen := marks[store.LateSeenKey]
	var sigTop, orgTop int64
	if err := db.w.QueryRowContext(ctx, lateTopsSQL).Scan(&sigTop, &orgTop); err != nil {
		return err
	}
	if sigTop <= sigMark && orgTop <= orgMark && !seen {
		return nil
	}
	stale := false
	look := func(q string, args ...any) error {
		rows, err := db.w.QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var e string
			if err := rows.Scan(&e); err != nil {
				return err
			}
			stale = stale || signing.CurrentForm(e) != e
		}
		return rows.Err()
	}
	if err := look(lateSignaturesSQL, sigMark, sigTop); err != nil {
		return err
	}
	if err := look(lateOrganisersSQL, orgMark, orgTop); err != nil {
		return err
	}
	if seen {
		if err := look(lateOutboxSQL); err != nil {
			return err
		}
	}
	if stale {
		res, err := db.renormaliseEmails(ctx, false)
		if err != nil {
			return err
		}
		db.openRewrite = db.openRewrite.Add(res)
	}
	// Marks only move on once what they cover is rewritten.
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, m := range []struct {
		key      string
		mark, to int64
	}{{store.LateMarkKey, sigMark, sigTop}, {store.LateOrganisersKey, orgMark, orgTop}} {
		if m.to <= m.mark {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, m.key, store.FormatLateMark(m.to)); err != nil {
			return err
		}
	}
	// The flag is set anew by each look that finds a stale row, and
	// cleared only if it still holds what this look read (see
	// store.NewLateSeen): two processes may open one file together.
	switch {
	case stale:
		_, err = tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, store.LateSeenKey, store.NewLateSeen())
	case seen:
		_, err = tx.ExecContext(ctx, `DELETE FROM settings WHERE key = ? AND value = ?`, store.LateSeenKey, seenValue)
	}
	if err != nil {
		return err
	}
	return tx.Commit()
}

// renormaliseEmails is RenormaliseEmails; once, it does nothing unless
// migration 024's request is still in settings.
func (db *DB) renormaliseEmails(ctx context.Context, once bool) (res store.RenormaliseResult, err error) {
	tallyStmt, err := db.tallyStmt(ctx)
	if err != nil {
		return res, err
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return res, err
	}
	defer tx.Rollback()
	r, err := tx.ExecContext(ctx, `DELETE FROM settings WHERE key = 'renormalise_emails'`)
	if err != nil || once && rowsAffected(r) == 0 {
		return res, err
	}
	// Waiting messages are rows with their address, as for an erasure.
	var ev store.QuarantineEvent
	if err := unbundle(ctx, tx, nil, 0, &ev); err != nil {
		return res, err
	}
	var stored []string
	rows, err := tx.QueryContext(ctx, respeltSQL)
	if err != nil {
		return res, err
	}
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			rows.Close()
			return res, err
		}
		stored = append(stored, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return res, err
	}
	var key []byte // the installation's, for the keyed hashes; none yet, no hashes
	if err := tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = 'secret'`).Scan(&key); err != nil && err != sql.ErrNoRows {
		return res, err
	}
	for _, old := range stored {
		cur := signing.CurrentForm(old)
		if cur == old {
			continue
		}
		res.Addresses++
		ds, n, err := deleteSignatures(ctx, tx, respeltDuplicatesSQL, old, cur)
		if err != nil {
			return res, err
		}
		res.Duplicates += n
		if err := applyDeltas(ctx, tx, tallyStmt, &ds); err != nil {
			return res, err
		}
		if err := mergeOrganisers(ctx, tx, old, cur, &res); err != nil {
			return res, err
		}
		for i, q := range respeltSQLs {
			r, err := tx.ExecContext(ctx, q, old, cur)
			if err != nil {
				return res, err
			}
			if i == 0 {
				res.Signatures += int(rowsAffected(r))
			}
		}
		if key == nil {
			continue
		}
		oh, ch := store.AddressHash(key, old), store.AddressHash(key, cur)
		if _, err := tx.ExecContext(ctx, `INSERT INTO mail_suppressions (org, address_hash, created_at)
			SELECT org, ?2, created_at FROM mail_suppressions WHERE address_hash = ?1
			ON CONFLICT (org, address_hash) DO NOTHING`, oh[:], ch[:]); err != nil {
			return res, err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO outreach_senders (org, campaign, target, sender)
			SELECT org, campaign, target, ?2 FROM outreach_senders WHERE sender = ?1
			ON CONFLICT DO NOTHING`, store.SenderHash(key, old), store.SenderHash(key, cur)); err != nil {
			return res, err
		}
	}
	// Undelivered messages, each by its id (respeltOutboxSQL).
	type waiting struct{ id, email string }
	var msgs []waiting
	mrows, err := tx.QueryContext(ctx, respeltOutboxSQL)
	if err != nil {
		return res, err
	}
	for mrows.Next() {
		var m waiting
		if err := mrows.Scan(&m.id, &m.email); err != nil {
			mrows.Close()
			return res, err
		}
		msgs = append(msgs, m)
	}
	mrows.Close()
	if err := mrows.Err(); err != nil {
		return res, err
	}
	for _, m := range msgs {
		if cur := signing.CurrentForm(m.email); cur != m.email {
			if _, err := tx.ExecContext(ctx, respeltOutboxUpdate, cur, m.id); err != nil {
				return res, err
			}
		}
	}
	if res.Duplicates > 0 {
		if err := owe(ctx, tx); err != nil { // rewrites.go
			return res, err
		}
	}
	if err := tx.Commit(); err != nil {
		return res, err
	}
	db.quarantined(ev)
	if res.Duplicates == 0 {
		return res, nil
	}
	db.changed()
	return res, db.wipe(ctx)
}
