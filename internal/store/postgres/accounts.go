package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/placard/placard/internal/accounts"
	"github.com/placard/placard/internal/store"
)

var _ store.Accounts = (*DB)(nil)

// uniqueViolation reports whether err is a unique constraint failing.
func uniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// noRow turns pgx.ErrNoRows into store.ErrNotFound.
func noRow(err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return store.ErrNotFound
	}
	return err
}

// AddOrganiser stores o (part of store.Accounts).
func (db *DB) AddOrganiser(ctx context.Context, o *accounts.Organiser) (err error) {
	defer failed(&err, "adding an organiser")
	if err := knownRole(o.Role); err != nil {
		return err
	}
	o.CreatedAt = time.Now().UTC().Truncate(time.Microsecond)
	// ON CONFLICT, not a unique violation caught here: a violation is an
	// ERROR in the server's own log, with "Key (org, email)=(…, the
	// address) already exists" — an organiser's address kept in a file
	// no erasure reaches.
	err = db.pool.QueryRow(ctx, `INSERT INTO organisers (org, email, role, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (org, email) DO NOTHING RETURNING id`,
		o.Org, o.Email, string(o.Role), o.CreatedAt).Scan(&o.ID)
	if errors.Is(err, pgx.ErrNoRows) || uniqueViolation(err) {
		return store.ErrExists
	}
	return err
}

// knownRole refuses a role the organisers table's CHECK would refuse:
// the server logs a failed CHECK with the whole row ("Failing row
// contains (…, the address, …)"), so it must never be the one to say no.
func knownRole(r accounts.Role) error {
	switch r {
	case accounts.RoleEditor, accounts.RoleViewer, accounts.RoleSiteAdmin:
		return nil
	}
	return fmt.Errorf("%q is not an organiser's role", string(r))
}

const organiserCols = `id, org, email, role, created_at`

func scanOrganiser(row pgx.Row) (accounts.Organiser, error) {
	var o accounts.Organiser
	var role string
	if err := row.Scan(&o.ID, &o.Org, &o.Email, &role, &o.CreatedAt); err != nil {
		return o, noRow(err)
	}
	o.Role = accounts.Role(role)
	o.CreatedAt = o.CreatedAt.UTC()
	return o, nil
}

// Organiser returns one organiser (part of store.Accounts).
func (db *DB) Organiser(ctx context.Context, id int64) (_ accounts.Organiser, err error) {
	defer failed(&err, "reading an organiser")
	return scanOrganiser(db.pool.QueryRow(ctx, `SELECT `+organiserCols+` FROM organisers WHERE id = $1`, id))
}

// FindOrganiser returns an organisation's organiser by address (part of
// store.Accounts).
func (db *DB) FindOrganiser(ctx context.Context, org, email string) (_ accounts.Organiser, err error) {
	defer failed(&err, "finding an organiser")
	return scanOrganiser(db.pool.QueryRow(ctx, `SELECT `+organiserCols+` FROM organisers WHERE org = $1 AND email = $2`, org, email))
}

// Organisers lists organisers (part of store.Accounts).
func (db *DB) Organisers(ctx context.Context, org string) (_ []accounts.Organiser, err error) {
	defer failed(&err, "listing organisers")
	// COLLATE "C": byte order, as the SQLite engine sorts.
	q, args := `SELECT `+organiserCols+` FROM organisers ORDER BY org COLLATE "C", email COLLATE "C"`, []any(nil)
	if org != "" {
		q, args = `SELECT `+organiserCols+` FROM organisers WHERE org = $1 ORDER BY email COLLATE "C"`, []any{org}
	}
	rows, err := db.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []accounts.Organiser
	for rows.Next() {
		o, err := scanOrganiser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// RemoveOrganiser deletes an organiser and everything that signs them in
// (part of store.Accounts).
func (db *DB) RemoveOrganiser(ctx context.Context, id int64) (err error) {
	defer failed(&err, "removing an organiser")
	return pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM organisers WHERE id = $1`, id)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return store.ErrNotFound
		}
		return deleteOrganiserRows(ctx, tx, `= $1`, id)
	})
}

// deleteOrganiserRows deletes the sessions, tokens and passkeys of the
// organisers matched by cond (a condition on organiser_id with its args).
func deleteOrganiserRows(ctx context.Context, tx pgx.Tx, cond string, args ...any) error {
	for _, t := range []string{"organiser_sessions", "organiser_tokens", "organiser_credentials"} {
		if _, err := tx.Exec(ctx, `DELETE FROM `+t+` WHERE organiser_id `+cond, args...); err != nil {
			return err
		}
	}
	return nil
}

// eraseOrganisers is Erase's part for the console: every organiser with
// email goes, with their sessions, tokens and passkeys, and audit entries
// they made name nobody. wipeOrganisers then rewrites the tables.
//
// Each organisation that loses an organiser this way gets a "remove"
// entry in its log (the account's role, no actor, never the address), as
// `placard organisers remove` writes: an account with the right to
// export and erase does not vanish from the organisation unrecorded.
func eraseOrganisers(ctx context.Context, tx pgx.Tx, email string) error {
	if _, err := tx.Exec(ctx, `INSERT INTO audit_log (org, actor, action, detail, at)
		SELECT org, '', $2::text, role, $3::timestamptz FROM organisers WHERE email = $1 ORDER BY id`,
		email, string(accounts.ActRemove), time.Now().UTC().Truncate(time.Microsecond)); err != nil {
		return err
	}
	if err := deleteOrganiserRows(ctx, tx, `IN (SELECT id FROM organisers WHERE email = $1)`, email); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `DELETE FROM organisers WHERE email = $1`, email); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `UPDATE audit_log SET actor = '' WHERE actor = $1`, email)
	return err
}

// AddToken stores a one-time token (part of store.Accounts).
func (db *DB) AddToken(ctx context.Context, t accounts.Token) (err error) {
	defer failed(&err, "storing a sign-in token")
	data := t.Data
	if data == nil {
		data = []byte{}
	}
	return pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM organiser_tokens WHERE expires_at < $1`, time.Now().UTC()); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO organiser_tokens (hash, purpose, organiser_id, data, expires_at) VALUES ($1, $2, $3, $4, $5)`,
			t.Hash[:], string(t.Purpose), t.OrganiserID, data, t.ExpiresAt.UTC())
		if uniqueViolation(err) {
			return store.ErrExists
		}
		return err
	})
}

// TakeToken deletes and returns a live token (part of store.Accounts).
func (db *DB) TakeToken(ctx context.Context, hash [32]byte, purpose accounts.Purpose, now time.Time) (_ accounts.Token, err error) {
	defer failed(&err, "taking a sign-in token")
	t := accounts.Token{Hash: hash, Purpose: purpose}
	// DELETE … RETURNING: of two takers racing, only one sees the row.
	err = db.pool.QueryRow(ctx, `DELETE FROM organiser_tokens WHERE hash = $1 AND purpose = $2 RETURNING organiser_id, data, expires_at`,
		hash[:], string(purpose)).Scan(&t.OrganiserID, &t.Data, &t.ExpiresAt)
	if err != nil {
		return t, noRow(err)
	}
	t.ExpiresAt = t.ExpiresAt.UTC()
	if !now.Before(t.ExpiresAt) {
		return accounts.Token{}, store.ErrNotFound
	}
	return t, nil
}

// AddSession stores a session (part of store.Accounts).
func (db *DB) AddSession(ctx context.Context, s accounts.Session) (err error) {
	defer failed(&err, "storing a session")
	passkey := s.Passkey
	if passkey == nil {
		passkey = []byte{}
	}
	_, err = db.pool.Exec(ctx, `INSERT INTO organiser_sessions (hash, organiser_id, created_at, last_seen, method, credential_id) VALUES ($1, $2, $3, $4, $5, $6)`,
		s.Hash[:], s.OrganiserID, s.CreatedAt.UTC(), s.LastSeen.UTC(), string(s.Method), passkey)
	return err
}

// Session returns a session (part of store.Accounts).
func (db *DB) Session(ctx context.Context, hash [32]byte) (_ accounts.Session, err error) {
	defer failed(&err, "reading a session")
	return scanSession(db.pool.QueryRow(ctx, `SELECT `+sessionCols+` FROM organiser_sessions WHERE hash = $1`, hash[:]))
}

// sessionCols are the columns scanSession reads, in its order.
const sessionCols = `hash, organiser_id, created_at, last_seen, method, credential_id`

func scanSession(row pgx.Row) (accounts.Session, error) {
	var s accounts.Session
	var hash []byte
	var method string
	if err := row.Scan(&hash, &s.OrganiserID, &s.CreatedAt, &s.LastSeen, &method, &s.Passkey); err != nil {
		return s, noRow(err)
	}
	copy(s.Hash[:], hash)
	s.Method = accounts.Method(method)
	if len(s.Passkey) == 0 {
		s.Passkey = nil
	}
	s.CreatedAt, s.LastSeen = s.CreatedAt.UTC(), s.LastSeen.UTC()
	return s, nil
}

// scanSessions reads every row of rows as a session.
func scanSessions(rows pgx.Rows, err error) ([]accounts.Session, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []accounts.Session
	for rows.Next() {
		s, err := scanSession(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// TouchSession moves a session's LastSeen (part of store.Accounts).
func (db *DB) TouchSession(ctx context.Context, hash [32]byte, at time.Time) (err error) {
	defer failed(&err, "touching a session")
	_, err = db.pool.Exec(ctx, `UPDATE organiser_sessions SET last_seen = $1 WHERE hash = $2`, at.UTC(), hash[:])
	return err
}

// DeleteSession removes a session (part of store.Accounts).
func (db *DB) DeleteSession(ctx context.Context, hash [32]byte) (err error) {
	defer failed(&err, "deleting a session")
	_, err = db.pool.Exec(ctx, `DELETE FROM organiser_sessions WHERE hash = $1`, hash[:])
	return err
}

// AddCredential stores a passkey (part of store.Accounts).
func (db *DB) AddCredential(ctx context.Context, c accounts.Credential) (err error) {
	defer failed(&err, "storing a passkey")
	_, err = db.pool.Exec(ctx, `INSERT INTO organiser_credentials (id, organiser_id, data, created_at, sign_count) VALUES ($1, $2, $3, $4, $5)`,
		c.ID, c.OrganiserID, c.Data, c.CreatedAt.UTC(), int64(c.SignCount))
	if uniqueViolation(err) {
		return store.ErrExists
	}
	return err
}

func scanCredential(row pgx.Row) (accounts.Credential, error) {
	var c accounts.Credential
	if err := row.Scan(&c.ID, &c.OrganiserID, &c.Data, &c.CreatedAt, &c.UserHandle); err != nil {
		return c, noRow(err)
	}
	c.CreatedAt = c.CreatedAt.UTC()
	return c, nil
}

// Credentials lists an organiser's passkeys (part of store.Accounts).
func (db *DB) Credentials(ctx context.Context, organiserID int64) (_ []accounts.Credential, err error) {
	defer failed(&err, "listing passkeys")
	rows, err := db.pool.Query(ctx, `SELECT id, organiser_id, data, created_at, user_handle FROM organiser_credentials
		WHERE organiser_id = $1 ORDER BY created_at, id`, organiserID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []accounts.Credential
	for rows.Next() {
		c, err := scanCredential(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Credential returns one passkey (part of store.Accounts).
func (db *DB) Credential(ctx context.Context, id []byte) (_ accounts.Credential, err error) {
	defer failed(&err, "reading a passkey")
	return scanCredential(db.pool.QueryRow(ctx, `SELECT id, organiser_id, data, created_at, user_handle FROM organiser_credentials WHERE id = $1`, id))
}

// UpdateCredential replaces a passkey's data if its signature counter
// moves on (part of store.Accounts): one conditional UPDATE, so of two
// sign-ins racing on any instances the one behind changes nothing.
func (db *DB) UpdateCredential(ctx context.Context, id, data []byte, signCount uint32) (err error) {
	defer failed(&err, "updating a passkey")
	var updated bool
	err = db.pool.QueryRow(ctx, `WITH u AS (
			UPDATE organiser_credentials SET data = $1, sign_count = $3
			WHERE id = $2 AND (sign_count < $3 OR (sign_count = 0 AND $3 = 0))
			RETURNING 1)
		SELECT EXISTS (SELECT FROM u) FROM organiser_credentials WHERE id = $2`, data, id, int64(signCount)).Scan(&updated)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return store.ErrNotFound
	case err != nil:
		return err
	case !updated:
		return store.ErrCounterBehind
	}
	return nil
}

// AddAudit appends an audit entry (part of store.Accounts).
func (db *DB) AddAudit(ctx context.Context, e *accounts.AuditEntry) (err error) {
	defer failed(&err, "writing the audit log")
	e.At = e.At.UTC().Truncate(time.Microsecond)
	return db.pool.QueryRow(ctx, `INSERT INTO audit_log (org, actor, action, detail, at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		e.Org, e.Actor, string(e.Action), e.Detail, e.At).Scan(&e.ID)
}

// Audit returns an organisation's audit entries (part of store.Accounts).
func (db *DB) Audit(ctx context.Context, org string, limit int) (_ []accounts.AuditEntry, err error) {
	defer failed(&err, "reading the audit log")
	rows, err := db.pool.Query(ctx, `SELECT id, org, actor, action, detail, at FROM audit_log
		WHERE org = $1 ORDER BY id DESC LIMIT $2`, org, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []accounts.AuditEntry
	for rows.Next() {
		var e accounts.AuditEntry
		var action string
		if err := rows.Scan(&e.ID, &e.Org, &e.Actor, &action, &e.Detail, &e.At); err != nil {
			return nil, err
		}
		e.Action, e.At = accounts.Action(action), e.At.UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}

// SignaturesPerDay counts a campaign's signatures per UTC day (part of
// store.Accounts).
func (db *DB) SignaturesPerDay(ctx context.Context, org, campaign string, since time.Time) (_ []store.DayCount, err error) {
	defer failed(&err, "counting signatures per day")
	rows, err := db.pool.Query(ctx, `SELECT (created_at AT TIME ZONE 'UTC')::date AS day, count(*) FROM signatures
		WHERE org = $1 AND campaign = $2 AND created_at >= $3 GROUP BY day ORDER BY day`, org, campaign, since.UTC())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.DayCount
	for rows.Next() {
		var day time.Time
		var n int64
		if err := rows.Scan(&day, &n); err != nil {
			return nil, err
		}
		out = append(out, store.DayCount{Day: time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC), Count: int(n)})
	}
	return out, rows.Err()
}

// EraseIn deletes every signature with email on org's campaigns (part of
// store.Accounts), adjusting the tallies in the same transaction, with the
// address's undelivered messages in org and the keyed hash saying it wrote
// to org's decision-makers, then rewrites the tables like Erase.
func (db *DB) EraseIn(ctx context.Context, org, email string) (int, error) {
	return db.EraseInTold(ctx, org, email, nil)
}

// EraseInTold is EraseIn queueing what tell returns in the erasure's own
// transaction (store.Erasures).
func (db *DB) EraseInTold(ctx context.Context, org, email string, tell store.TellErased) (_ int, err error) {
	defer failed(&err, "erasing signatures")
	key, err := db.Secret(ctx) // for the keyed hash of outreach senders
	if err != nil {
		return 0, err
	}
	n := 0
	var ev store.QuarantineEvent
	err = pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		ev = store.QuarantineEvent{}
		// As every erasure: no signing batch may commit between its
		// statements (lockSigning, postgres.go).
		if err := lockSigning(ctx, tx); err != nil {
			return err
		}
		erased, err := erasedRows(ctx, tx, tell, "email = $1 AND org = $2", email, org) // tell.go
		if err != nil {
			return err
		}
		ds, k, err := deleteSignatures(ctx, tx, "email = $1 AND org = $2", email, org)
		if err != nil {
			return err
		}
		n = k
		if erasing != nil {
			erasing()
		}
		// The address's undelivered messages in org go too (store.Outbox),
		// bundled ones taken apart first (bundle.go), with every damaged
		// bundle that may hold the address (quarantine.go).
		if err := unbundle(ctx, tx, 0, &ev); err != nil {
			return err
		}
		if _, err := dropQuarantined(ctx, tx, &ev, org, email); err != nil {
			return err
		}
		if _, erased.until, err = deleteMessages(ctx, tx, "org = $1 AND email = $2", org, email); err != nil { // tell.go
			return err
		}
		// And the keyed hash saying it wrote to org's decision-makers.
		if _, err := eraseSenderIn(ctx, tx, key, org, email); err != nil { // outreach.go
			return err
		}
		// And the inbox's pace row (mailpace.go): erased, nothing is kept of it.
		if err := erasePace(ctx, tx, key, email); err != nil {
			return err
		}
		if err := queueErased(ctx, tx, tell, erased); err != nil {
			return err
		}
		if err := applyDeltas(ctx, tx, &ds); err != nil {
			return err
		}
		return owe(ctx, tx, wipeTables) // last (rewrites.go)
	})
	if err != nil {
		return 0, err
	}
	db.quarantined(ev)
	return n, db.rewrite(ctx)
}
