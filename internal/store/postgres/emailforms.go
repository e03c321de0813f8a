package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/placard/placard/internal/accounts"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// respeltSQL lists the stored addresses whose current form may differ
// from what is stored: any with a character beyond ASCII, an A-label, or
// a capital. An ASCII address in lower case without xn-- is already in
// NormaliseEmail's form, so most of a large table is skipped.
const respeltSQL = `SELECT email FROM signatures WHERE email ~ '[^\x01-\x7e]' OR email ILIKE '%xn--%' OR email <> lower(email)
	UNION SELECT email FROM outbox WHERE email <> '' AND (email ~ '[^\x01-\x7e]' OR email ILIKE '%xn--%' OR email <> lower(email))
	UNION SELECT email FROM organisers WHERE email ~ '[^\x01-\x7e]' OR email ILIKE '%xn--%' OR email <> lower(email)
	ORDER BY 1`

// respeltDuplicatesSQL picks, for each campaign where old spelling $1 and
// current form $2 both signed, the signature that goes: the later one, an
// unconfirmed one giving way to a confirmed one (as rename.go merges),
// and any other giving way to an approved one: the approved signature is
// the counted one, which a rewrite must never take off (a moderator may
// have rejected the earlier spelling as a repeat).
const respeltDuplicatesSQL = `id IN (SELECT CASE
		WHEN (a.status <> 'approved', a.status = 'unconfirmed', a.created_at, a.id) <=
			(b.status <> 'approved', b.status = 'unconfirmed', b.created_at, b.id) THEN b.id
		ELSE a.id END
	FROM signatures a JOIN signatures b ON b.email = $2 AND b.org = a.org AND b.campaign = a.campaign
	WHERE a.email = $1)`

// respeltOutboxSQL lists the undelivered messages whose address may be
// in an old spelling, by id: the outbox has no index of addresses (it
// was dropped to keep queueing cheap, 017), so an UPDATE by address for
// each old spelling read the whole outbox each time — with tens of
// thousands of messages waiting and of spellings to rewrite, minutes of
// holding the writer at a start. Each is rewritten by its id instead.
const respeltOutboxSQL = `SELECT id, email FROM outbox WHERE email <> '' AND (email ~ '[^\x01-\x7e]' OR email ILIKE '%xn--%' OR email <> lower(email))`

// respeltOutboxUpdate rewrites one message's address (respeltOutboxSQL).
const respeltOutboxUpdate = `UPDATE outbox SET email = $1 WHERE id = $2`

// respeltSQLs rewrite old spelling $1 as current form $2 once the
// duplicates are gone and organiser accounts of both spellings merged
// (mergeOrganisers); the NOT EXISTS guard only keeps the unique key safe.
var respeltSQLs = []string{
	`UPDATE signatures SET email = $2 WHERE email = $1`,
	`UPDATE organisers SET email = $2 WHERE email = $1
		AND NOT EXISTS (SELECT 1 FROM organisers o WHERE o.org = organisers.org AND o.email = $2)`,
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
func mergeOrganisers(ctx context.Context, tx pgx.Tx, old, cur string, res *store.RenormaliseResult) error {
	type pair struct {
		Gone, Kept         int64
		GoneRole, KeptRole string
		Org                string
	}
	rows, _ := tx.Query(ctx, `SELECT g.id, k.id, g.role, k.role, g.org FROM organisers g
		JOIN organisers k ON k.org = g.org AND k.email = $2 WHERE g.email = $1`, old, cur)
	pairs, err := pgx.CollectRows(rows, pgx.RowToStructByPos[pair])
	if err != nil {
		return err
	}
	for _, p := range pairs {
		res.Merged++
		role := store.MergeRole(accounts.Role(p.KeptRole), accounts.Role(p.GoneRole))
		if p.KeptRole != p.GoneRole {
			res.RolesLowered++
			// The organisation's log says whose role it was and why
			// (accounts.ActRoleMerged), in this same transaction.
			other := accounts.Role(p.KeptRole)
			if other == role {
				other = accounts.Role(p.GoneRole)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO audit_log (org, actor, action, detail, at) VALUES ($1, $2, $3, $4, $5)`,
				p.Org, cur, string(accounts.ActRoleMerged), accounts.MergedRoleDetail(role, other),
				time.Now().UTC().Truncate(time.Microsecond)); err != nil {
				return err
			}
		}
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`UPDATE organisers SET role = $1 WHERE id = $2`, []any{string(role), p.Kept}},
			{`UPDATE organiser_sessions SET organiser_id = $1 WHERE organiser_id = $2`, []any{p.Kept, p.Gone}},
			{`UPDATE organiser_tokens SET organiser_id = $1 WHERE organiser_id = $2`, []any{p.Kept, p.Gone}},
			{`UPDATE organiser_credentials SET organiser_id = $1,
				user_handle = CASE WHEN length(user_handle) = 0 THEN $2 ELSE user_handle END WHERE organiser_id = $3`,
				[]any{p.Kept, accounts.UserHandle(p.Gone), p.Gone}},
			{`DELETE FROM organisers WHERE id = $1`, []any{p.Gone}},
		} {
			if _, err := tx.Exec(ctx, q.sql, q.args...); err != nil {
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

// renormaliseOnce runs the rewrite migration 024 asked for, if no
// instance has run it yet: at Open, after the migrations. Instances
// starting together wait for one another on the erasures' lock, and the
// later ones find the request gone. Then it looks for late rows
// (renormaliseLate).
func (db *DB) renormaliseOnce(ctx context.Context) error {
	var n int
	if err := db.pool.QueryRow(ctx, `SELECT count(*) FROM settings WHERE key = 'renormalise_emails'`).Scan(&n); err != nil {
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
	lateSignaturesSQL = `SELECT email FROM signatures WHERE id > $1 AND id <= $2 AND (email ILIKE '%xn--%' OR email ~ '[^\x01-\x7e]' OR email <> lower(email))`
	lateOrganisersSQL = `SELECT email FROM organisers WHERE id > $1 AND id <= $2`
	lateOutboxSQL     = `SELECT email FROM outbox WHERE email ILIKE '%xn--%'`
)

// lateLookWait is how long the late look waits for its lock before it
// gives way (lock_timeout; PostgreSQL's "lock_not_available", 55P03).
const lateLookWait = "5s"

// lateSequencesSQL reads how many ids each sequence the late look's
// marks depend on hands a session at once (CACHE): every sequence the id
// column of signatures or organisers owns (identity 'i', serial 'a' in
// pg_depend) and every sequence its default takes ids from, whether or
// not the column owns it — a default of nextval('other_seq') set by hand,
// by a restore or by a DBA, with no OWNED BY, is where the ids come from
// all the same. The default's sequence is found by the dependency
// PostgreSQL records for nextval('name') (deptype 'n'), and for the late-
// bound nextval('name'::text), which records none, by the name in the
// default's text (plain or quoted names only, which to_regclass reads
// without raising). Catalogue reads only: any role may run it, before
// migrating as after. A table not made yet (a new database, before its
// migrations) has no row.
const lateSequencesSQL = `SELECT t.name, q.seq::regclass::text, s.seqcache, q.identity
	FROM (VALUES ('signatures'), ('organisers')) AS t(name)
	JOIN pg_attribute a ON a.attrelid = to_regclass(t.name) AND a.attname = 'id' AND NOT a.attisdropped
	CROSS JOIN LATERAL (
		SELECT d.objid AS seq, d.deptype = 'i' AS identity FROM pg_depend d
		WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
			AND d.refobjid = a.attrelid AND d.refobjsubid = a.attnum AND d.deptype IN ('a', 'i')
		UNION
		SELECT d.refobjid, false FROM pg_attrdef ad
		JOIN pg_depend d ON d.classid = 'pg_attrdef'::regclass AND d.objid = ad.oid
			AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'n'
		WHERE ad.adrelid = a.attrelid AND ad.adnum = a.attnum
		UNION
		SELECT to_regclass(substring(pg_get_expr(ad.adbin, ad.adrelid)
			FROM 'nextval\(\(''((?:(?:[a-z_][a-z0-9_$]*|"[^"'']+")\.)?(?:[a-z_][a-z0-9_$]*|"[^"'']+"))''::text\)::regclass\)'))::oid, false
		FROM pg_attrdef ad
		WHERE ad.adrelid = a.attrelid AND ad.adnum = a.attnum
	) q
	JOIN pg_sequence s ON s.seqrelid = q.seq
	ORDER BY t.name, 2`

// checkLateSequences refuses to start when an id sequence of signatures
// or organisers caches more than one value per session. The late look's
// marks are exact only while ids are handed out one at a time: with
// CACHE 20 a session holds twenty ids ahead, so after a look it can
// still commit a row with an id below the mark, which no later look
// reads. The migrations make both with CACHE 1 (PostgreSQL's default);
// an operator who raised it gets a plain message with the statement
// that puts it back: ALTER TABLE for the identity, ALTER SEQUENCE for a
// sequence the column's default names.
func checkLateSequences(ctx context.Context, q interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
}) error {
	// The simple protocol: Open checks before migrating, ahead of the
	// pooler check (migrate), and a statement prepared on one backend of
	// a transaction-mode pool is not on the next; that check's plain
	// message must be the one an operator gets.
	rows, _ := q.Query(ctx, lateSequencesSQL, pgx.QueryExecModeSimpleProtocol)
	type seq struct {
		Table    string
		Sequence string
		Cache    int64
		Identity bool
	}
	seqs, err := pgx.CollectRows(rows, pgx.RowToStructByPos[seq])
	if err != nil {
		return err
	}
	for _, sq := range seqs {
		if sq.Cache == 1 {
			continue
		}
		const why = "and Placard needs them one at a time: " +
			"otherwise a row can be stored with an id below one already seen, and the start-up check for addresses in an old spelling would miss it. "
		if sq.Identity {
			return fmt.Errorf("the id column of the %s table hands out ids %d at a time (CACHE %d), "+why+
				"Run this once as the database's owner, then start Placard again: ALTER TABLE %s ALTER COLUMN id SET CACHE 1;",
				sq.Table, sq.Cache, sq.Cache, sq.Table)
		}
		return fmt.Errorf("the id column of the %s table takes its ids from the sequence %s, which hands them out %d at a time (CACHE %d), "+why+
			"Run this once as the sequence's owner, then start Placard again: ALTER SEQUENCE %s CACHE 1;",
			sq.Table, sq.Sequence, sq.Cache, sq.Cache, sq.Sequence)
	}
	return nil
}

// renormaliseLate reruns the rewrite when a row stored since the last
// look is not in its current form: during a rolling upgrade an instance
// still running a version from before 024 (it checked the migrations
// when it started) can store the old spellings after the rewrite ran.
// A start with nothing stored since the last look reads the settings and
// two maxima and writes nothing. Otherwise it reads the maxima and the
// newer rows holding a SHARE lock on signatures and organisers, which
// waits for every transaction inserting into them to end (an identity
// value is taken before its row commits, so a lower id can commit after
// a higher one): every row at or below the maxima is then committed and
// read, and the marks can move to them exactly (store.LateMarkKey). The
// lock is held for that read only, a few rows since the last start.
// Rows such an instance stores after the last current instance started
// wait for the next start.
func (db *DB) renormaliseLate(ctx context.Context) error {
	lk, err := db.lateLook(ctx)
	if err != nil || lk == nil {
		return err
	}
	return db.lateFinish(ctx, lk)
}

// lateLooked is what one late look read: the marks it started from, the
// flag's value as it found it (nil when unset), the maxima it read up to,
// and whether it found a row not in its current form.
type lateLooked struct {
	sigMark, orgMark, sigTop, orgTop int64
	seen                             []byte
	stale                            bool
}

// lateLook is the look of renormaliseLate; nil when there is nothing to
// do (nothing new, or the lock did not come in time).
func (db *DB) lateLook(ctx context.Context) (*lateLooked, error) {
	rows, _ := db.pool.Query(ctx, `SELECT key, value FROM settings WHERE key = ANY($1)`,
		[]string{store.LateMarkKey, store.LateOrganisersKey, store.LateSeenKey})
	type setting struct {
		Key   string
		Value []byte
	}
	got, err := pgx.CollectRows(rows, pgx.RowToStructByPos[setting])
	if err != nil {
		return nil, err
	}
	marks := map[string][]byte{}
	for _, st := range got {
		marks[st.Key] = st.Value
	}
	sigMark, orgMark := store.ParseLateMark(marks[store.LateMarkKey]), store.ParseLateMark(marks[store.LateOrganisersKey])
	seenValue, seen := marks[store.LateSeenKey]
	if seen && seenValue == nil {
		seenValue = []byte{}
	}
	var sigTop, orgTop int64
	if err := db.pool.QueryRow(ctx, lateTopsSQL).Scan(&sigTop, &orgTop); err != nil {
		return nil, err
	}
	if sigTop <= sigMark && orgTop <= orgMark && !seen {
		// Every id at or below the marks had committed when they were
		// set, so a row not seen here has a higher id: the next look.
		return nil, nil
	}
	stale := false
	err = pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		// Not for ever: while the look waits, every signing insert on
		// every instance queues behind it, and what it may wait for can
		// be an anti-wraparound VACUUM, which nothing cancels.
		if _, err := tx.Exec(ctx, `SET LOCAL lock_timeout = '`+lateLookWait+`'`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `LOCK TABLE signatures, organisers IN SHARE MODE`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `SET LOCAL lock_timeout = 0`); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, lateTopsSQL).Scan(&sigTop, &orgTop); err != nil {
			return err
		}
		look := func(q string, args ...any) error {
			rows, _ := tx.Query(ctx, q, args...)
			found, err := pgx.CollectRows(rows, pgx.RowTo[string])
			for _, e := range found {
				stale = stale || signing.CurrentForm(e) != e
			}
			return err
		}
		if err := look(lateSignaturesSQL, sigMark, sigTop); err != nil {
			return err
		}
		if err := look(lateOrganisersSQL, orgMark, orgTop); err != nil {
			return err
		}
		if seen {
			return look(lateOutboxSQL)
		}
		return nil
	})
	if pe := (*pgconn.PgError)(nil); errors.As(err, &pe) && pe.Code == "55P03" {
		// The lock did not come in time: this start leaves the marks
		// where they are, and the next start looks again.
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &lateLooked{sigMark: sigMark, orgMark: orgMark, sigTop: sigTop, orgTop: orgTop, seen: seenValue, stale: stale}, nil
}

// lateFinish reruns the rewrite if lk found a stale row, then moves the
// marks and sets or clears the "outbox too" flag (store.LateSeenKey).
// Several instances may look at once, so the flag is set with a value
// of its own every time (store.NewLateSeen) and cleared only if it still
// holds the value this look read: a look that found nothing never clears
// a flag another look set meanwhile, which would leave an old instance's
// waiting messages unread.
func (db *DB) lateFinish(ctx context.Context, lk *lateLooked) error {
	sigMark, orgMark, sigTop, orgTop, stale := lk.sigMark, lk.orgMark, lk.sigTop, lk.orgTop, lk.stale
	if stale {
		res, err := db.renormaliseEmails(ctx, false)
		if err != nil {
			return err
		}
		db.openRewrite = db.openRewrite.Add(res)
	}
	// Marks only move on once what they cover is rewritten; never back
	// (GREATEST: another instance may have moved them further meanwhile).
	return pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		for _, m := range []struct {
			key      string
			mark, to int64
		}{{store.LateMarkKey, sigMark, sigTop}, {store.LateOrganisersKey, orgMark, orgTop}} {
			if m.to <= m.mark {
				continue
			}
			if _, err := tx.Exec(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2)
				ON CONFLICT (key) DO UPDATE SET value = CASE
					WHEN encode(settings.value, 'escape') ~ '^[0-9]{1,18}$' AND encode(settings.value, 'escape')::bigint > $3 THEN settings.value
					ELSE excluded.value END`, m.key, store.FormatLateMark(m.to), m.to); err != nil {
				return err
			}
		}
		var err error
		switch {
		case stale:
			_, err = tx.Exec(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2)
				ON CONFLICT (key) DO UPDATE SET value = excluded.value`, store.LateSeenKey, store.NewLateSeen())
		case lk.seen != nil:
			_, err = tx.Exec(ctx, `DELETE FROM settings WHERE key = $1 AND value = $2`, store.LateSeenKey, lk.seen)
		}
		return err
	})
}

// renormaliseEmails is RenormaliseEmails; once, it does nothing unless
// migration 024's request is still in settings.
func (db *DB) renormaliseEmails(ctx context.Context, once bool) (res store.RenormaliseResult, err error) {
	var ev store.QuarantineEvent
	err = pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		res, ev = store.RenormaliseResult{}, store.QuarantineEvent{}
		if err := lockSigning(ctx, tx); err != nil { // postgres.go
			return err
		}
		tag, err := tx.Exec(ctx, `DELETE FROM settings WHERE key = 'renormalise_emails'`)
		if err != nil || once && tag.RowsAffected() == 0 {
			return err
		}
		// Waiting messages are rows with their address, as for an erasure.
		if err := unbundle(ctx, tx, 0, &ev); err != nil {
			return err
		}
		rows, _ := tx.Query(ctx, respeltSQL)
		stored, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return err
		}
		var key []byte // the installation's, for the keyed hashes; none yet, no hashes
		if err := tx.QueryRow(ctx, `SELECT value FROM settings WHERE key = 'secret'`).Scan(&key); err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		for _, old := range stored {
			cur := signing.CurrentForm(old)
			if cur == old {
				continue
			}
			res.Addresses++
			ds, n, err := deleteSignatures(ctx, tx, respeltDuplicatesSQL, old, cur)
			if err != nil {
				return err
			}
			res.Duplicates += n
			if err := applyDeltas(ctx, tx, &ds); err != nil {
				return err
			}
			if err := mergeOrganisers(ctx, tx, old, cur, &res); err != nil {
				return err
			}
			for i, q := range respeltSQLs {
				tag, err := tx.Exec(ctx, q, old, cur)
				if err != nil {
					return err
				}
				if i == 0 {
					res.Signatures += int(tag.RowsAffected())
				}
			}
			if key == nil {
				continue
			}
			oh, ch := store.AddressHash(key, old), store.AddressHash(key, cur)
			if _, err := tx.Exec(ctx, `INSERT INTO mail_suppressions (org, address_hash, created_at)
				SELECT org, $2, created_at FROM mail_suppressions WHERE address_hash = $1
				ON CONFLICT (org, address_hash) DO NOTHING`, oh[:], ch[:]); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO outreach_senders (org, campaign, target, sender)
				SELECT org, campaign, target, $2 FROM outreach_senders WHERE sender = $1
				ON CONFLICT DO NOTHING`, store.SenderHash(key, old), store.SenderHash(key, cur)); err != nil {
				return err
			}
		}
		// Undelivered messages, each by its id (respeltOutboxSQL).
		rows, _ = tx.Query(ctx, respeltOutboxSQL)
		msgs, err := pgx.CollectRows(rows, pgx.RowToStructByPos[struct{ ID, Email string }])
		if err != nil {
			return err
		}
		for _, m := range msgs {
			if cur := signing.CurrentForm(m.Email); cur != m.Email {
				if _, err := tx.Exec(ctx, respeltOutboxUpdate, cur, m.ID); err != nil {
					return err
				}
			}
		}
		if res.Duplicates == 0 {
			return nil
		}
		return owe(ctx, tx, wipeTables) // last (rewrites.go)
	})
	if err != nil {
		return res, err
	}
	db.quarantined(ev)
	if res.Duplicates == 0 {
		return res, nil
	}
	return res, db.rewrite(ctx)
}
