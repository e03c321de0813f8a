package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/placard/placard/internal/accounts"
	"github.com/placard/placard/internal/store"
)

var _ store.Accounts = (*DB)(nil)

// uniqueViolation reports whether err is a UNIQUE constraint failing.
func uniqueViolation(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && (se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY)
}

// noRow turns sql.ErrNoRows into store.ErrNotFound.
func noRow(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return store.ErrNotFound
	}
	return err
}

// AddOrganiser stores o (part of store.Accounts).
func (db *DB) AddOrganiser(ctx context.Context, o *accounts.Organiser) (err error) {
	defer failed(&err, "adding an organiser")
	o.CreatedAt = time.Now().UTC().Truncate(time.Microsecond)
	err = db.w.QueryRowContext(ctx, `INSERT INTO organisers (org, email, role, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
		o.Org, o.Email, string(o.Role), formatTime(o.CreatedAt)).Scan(&o.ID)
	if uniqueViolation(err) {
		return store.ErrExists
	}
	return err
}

const organiserCols = `id, org, email, role, created_at`

func scanOrganiser(row interface{ Scan(...any) error }) (accounts.Organiser, error) {
	var o accounts.Organiser
	var role, at string
	if err := row.Scan(&o.ID, &o.Org, &o.Email, &role, &at); err != nil {
		return o, noRow(err)
	}
	o.Role = accounts.Role(role)
	var err error
	o.CreatedAt, err = parseTime(at)
	return o, err
}

// Organiser returns one organiser (part of store.Accounts).
func (db *DB) Organiser(ctx context.Context, id int64) (_ accounts.Organiser, err error) {
	defer failed(&err, "reading an organiser")
	return scanOrganiser(db.r.QueryRowContext(ctx, `SELECT `+organiserCols+` FROM organisers WHERE id = ?`, id))
}

// FindOrganiser returns an organisation's organiser by address (part of
// store.Accounts).
func (db *DB) FindOrganiser(ctx context.Context, org, email string) (_ accounts.Organiser, err error) {
	defer failed(&err, "finding an organiser")
	return scanOrganiser(db.r.QueryRowContext(ctx, `SELECT `+organiserCols+` FROM organisers WHERE org = ? AND email = ?`, org, email))
}

// Organisers lists organisers (part of store.Accounts).
func (db *DB) Organisers(ctx context.Context, org string) (_ []accounts.Organiser, err error) {
	defer failed(&err, "listing organisers")
	q, args := `SELECT `+organiserCols+` FROM organisers ORDER BY org, email`, []any(nil)
	if org != "" {
		q, args = `SELECT `+organiserCols+` FROM organisers WHERE org = ? ORDER BY email`, []any{org}
	}
	rows, err := db.r.QueryContext(ctx, q, args...)
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
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `DELETE FROM organisers WHERE id = ?`, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return store.ErrNotFound
	}
	if err := deleteOrganiserRows(ctx, tx, `= ?`, id); err != nil {
		return err
	}
	return tx.Commit()
}

// deleteOrganiserRows deletes the sessions, tokens and passkeys of the
// organisers matched by cond (a condition on organiser_id with its args).
func deleteOrganiserRows(ctx context.Context, tx *sql.Tx, cond string, args ...any) error {
	for _, t := range []string{"organiser_sessions", "organiser_tokens", "organiser_credentials"} {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+t+` WHERE organiser_id `+cond, args...); err != nil {
			return err
		}
	}
	return nil
}

// eraseOrganisers is Erase's part for the console: every organiser with
// email goes, with their sessions, tokens and passkeys, and audit entries
// they made name nobody. secure_delete zeroes the old rows' bytes and
// Erase's wipe empties the WAL.
//
// Each organisation that loses an organiser this way gets a "remove"
// entry in its log (the account's role, no actor, never the address), as
// `placard organisers remove` writes: an account with the right to
// export and erase does not vanish from the organisation unrecorded.
func eraseOrganisers(ctx context.Context, tx *sql.Tx, email string) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit_log (org, actor, action, detail, at)
		SELECT org, '', ?, role, ? FROM organisers WHERE email = ? ORDER BY id`,
		string(accounts.ActRemove), formatTime(time.Now().UTC().Truncate(time.Microsecond)), email); err != nil {
		return err
	}
	if err := deleteOrganiserRows(ctx, tx, `IN (SELECT id FROM organisers WHERE email = ?)`, email); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM organisers WHERE email = ?`, email); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE audit_log SET actor = '' WHERE actor = ?`, email)
	return err
}

// AddToken stores a one-time token (part of store.Accounts).
func (db *DB) AddToken(ctx context.Context, t accounts.Token) (err error) {
	defer failed(&err, "storing a sign-in token")
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM organiser_tokens WHERE expires_at < ?`, formatTime(time.Now())); err != nil {
		return err
	}
	data := t.Data
	if data == nil {
		data = []byte{}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO organiser_tokens (hash, purpose, organiser_id, data, expires_at) VALUES (?, ?, ?, ?, ?)`,
		t.Hash[:], string(t.Purpose), t.OrganiserID, data, formatTime(t.ExpiresAt)); err != nil {
		if uniqueViolation(err) {
			return store.ErrExists
		}
		return err
	}
	return tx.Commit()
}

// TakeToken deletes and returns a live token (part of store.Accounts).
func (db *DB) TakeToken(ctx context.Context, hash [32]byte, purpose accounts.Purpose, now time.Time) (_ accounts.Token, err error) {
	defer failed(&err, "taking a sign-in token")
	t := accounts.Token{Hash: hash, Purpose: purpose}
	var exp string
	// One statement on the single writer: two takers cannot both delete it.
	err = db.w.QueryRowContext(ctx, `DELETE FROM organiser_tokens WHERE hash = ? AND purpose = ? RETURNING organiser_id, data, expires_at`,
		hash[:], string(purpose)).Scan(&t.OrganiserID, &t.Data, &exp)
	if err != nil {
		return t, noRow(err)
	}
	if t.ExpiresAt, err = parseTime(exp); err != nil {
		return t, err
	}
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
	_, err = db.w.ExecContext(ctx, `INSERT INTO organiser_sessions (hash, organiser_id, created_at, last_seen, method, credential_id) VALUES (?, ?, ?, ?, ?, ?)`,
		s.Hash[:], s.OrganiserID, formatTime(s.CreatedAt), formatTime(s.LastSeen), string(s.Method), passkey)
	return err
}

// Session returns a session (part of store.Accounts).
func (db *DB) Session(ctx context.Context, hash [32]byte) (_ accounts.Session, err error) {
	defer failed(&err, "reading a session")
	return scanSession(db.r.QueryRowContext(ctx, `SELECT `+sessionCols+` FROM organiser_sessions WHERE hash = ?`, hash[:]))
}

// sessionCols are the columns scanSession reads, in its order.
const sessionCols = `hash, organiser_id, created_at, last_seen, method, credential_id`

func scanSession(row interface{ Scan(...any) error }) (accounts.Session, error) {
	var s accounts.Session
	var hash []byte
	var created, seen, method string
	if err := row.Scan(&hash, &s.OrganiserID, &created, &seen, &method, &s.Passkey); err != nil {
		return s, noRow(err)
	}
	copy(s.Hash[:], hash)
	s.Method = accounts.Method(method)
	if len(s.Passkey) == 0 {
		s.Passkey = nil
	}
	var err error
	if s.CreatedAt, err = parseTime(created); err != nil {
		return s, err
	}
	s.LastSeen, err = parseTime(seen)
	return s, err
}

// scanSessions reads every row of rows as a session.
func scanSessions(rows *sql.Rows, err error) ([]accounts.Session, error) {
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
	_, err = db.w.ExecContext(ctx, `UPDATE organiser_sessions SET last_seen = ? WHERE hash = ?`, formatTime(at), hash[:])
	return err
}

// DeleteSession removes a session (part of store.Accounts).
func (db *DB) DeleteSession(ctx context.Context, hash [32]byte) (err error) {
	defer failed(&err, "deleting a session")
	_, err = db.w.ExecContext(ctx, `DELETE FROM organiser_sessions WHERE hash = ?`, hash[:])
	return err
}

// AddCredential stores a passkey (part of store.Accounts).
func (db *DB) AddCredential(ctx context.Context, c accounts.Credential) (err error) {
	defer failed(&err, "storing a passkey")
	_, err = db.w.ExecContext(ctx, `INSERT INTO organiser_credentials (id, organiser_id, data, created_at, sign_count) VALUES (?, ?, ?, ?, ?)`,
		c.ID, c.OrganiserID, c.Data, formatTime(c.CreatedAt), int64(c.SignCount))
	if uniqueViolation(err) {
		return store.ErrExists
	}
	return err
}

func scanCredential(row interface{ Scan(...any) error }) (accounts.Credential, error) {
	var c accounts.Credential
	var at string
	if err := row.Scan(&c.ID, &c.OrganiserID, &c.Data, &at, &c.UserHandle); err != nil {
		return c, noRow(err)
	}
	var err error
	c.CreatedAt, err = parseTime(at)
	return c, err
}

// Credentials lists an organiser's passkeys (part of store.Accounts).
func (db *DB) Credentials(ctx context.Context, organiserID int64) (_ []accounts.Credential, err error) {
	defer failed(&err, "listing passkeys")
	rows, err := db.r.QueryContext(ctx, `SELECT id, organiser_id, data, created_at, user_handle FROM organiser_credentials
		WHERE organiser_id = ? ORDER BY created_at, id`, organiserID)
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
	return scanCredential(db.r.QueryRowContext(ctx, `SELECT id, organiser_id, data, created_at, user_handle FROM organiser_credentials WHERE id = ?`, id))
}

// UpdateCredential replaces a passkey's data if its signature counter
// moves on (part of store.Accounts): one conditional UPDATE, so of two
// sign-ins racing on any instances the one behind changes nothing.
func (db *DB) UpdateCredential(ctx context.Context, id, data []byte, signCount uint32) (err error) {
	defer failed(&err, "updating a passkey")
	n := int64(signCount)
	res, err := db.w.ExecContext(ctx, `UPDATE organiser_credentials SET data = ?, sign_count = ?
		WHERE id = ? AND (sign_count < ? OR (sign_count = 0 AND ? = 0))`, data, n, id, n, n)
	if err != nil {
		return err
	}
	if k, _ := res.RowsAffected(); k == 1 {
		return nil
	}
	var one int
	switch err := db.w.QueryRowContext(ctx, `SELECT 1 FROM organiser_credentials WHERE id = ?`, id).Scan(&one); {
	case errors.Is(err, sql.ErrNoRows):
		return store.ErrNotFound
	case err != nil:
		return err
	}
	return store.ErrCounterBehind
}

// AddAudit appends an audit entry (part of store.Accounts).
func (db *DB) AddAudit(ctx context.Context, e *accounts.AuditEntry) (err error) {
	defer failed(&err, "writing the audit log")
	e.At = e.At.UTC().Truncate(time.Microsecond)
	return db.w.QueryRowContext(ctx, `INSERT INTO audit_log (org, actor, action, detail, at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
		e.Org, e.Actor, string(e.Action), e.Detail, formatTime(e.At)).Scan(&e.ID)
}

// Audit returns an organisation's audit entries (part of store.Accounts).
func (db *DB) Audit(ctx context.Context, org string, limit int) (_ []accounts.AuditEntry, err error) {
	defer failed(&err, "reading the audit log")
	rows, err := db.r.QueryContext(ctx, `SELECT id, org, actor, action, detail, at FROM audit_log
		WHERE org = ? ORDER BY id DESC LIMIT ?`, org, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []accounts.AuditEntry
	for rows.Next() {
		var e accounts.AuditEntry
		var action, at string
		if err := rows.Scan(&e.ID, &e.Org, &e.Actor, &action, &e.Detail, &at); err != nil {
			return nil, err
		}
		e.Action = accounts.Action(action)
		if e.At, err = parseTime(at); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// SignaturesPerDay counts a campaign's signatures per UTC day (part of
// store.Accounts). Stored times are fixed-width UTC text, so the day is
// their first ten characters and text order is time order.
func (db *DB) SignaturesPerDay(ctx context.Context, org, campaign string, since time.Time) (_ []store.DayCount, err error) {
	defer failed(&err, "counting signatures per day")
	rows, err := db.r.QueryContext(ctx, `SELECT substr(created_at, 1, 10) AS day, count(*) FROM signatures
		WHERE org = ? AND campaign = ? AND created_at >= ? GROUP BY day ORDER BY day`, org, campaign, formatTime(since))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.DayCount
	for rows.Next() {
		var day string
		var n int
		if err := rows.Scan(&day, &n); err != nil {
			return nil, err
		}
		d, err := time.Parse(time.DateOnly, strings.TrimSpace(day))
		if err != nil {
			return nil, err
		}
		out = append(out, store.DayCount{Day: d, Count: n})
	}
	return out, rows.Err()
}

// EraseIn deletes every signature with email on org's campaigns (part of
// store.Accounts), adjusting the tallies in the same transaction, with the
// address's undelivered messages in org and the keyed hash saying it wrote
// to org's decision-makers, then wipes like Erase.
func (db *DB) EraseIn(ctx context.Context, org, email string) (int, error) {
	return db.EraseInTold(ctx, org, email, nil)
}

// EraseInTold is EraseIn queueing what tell returns in the erasure's own
// transaction (store.Erasures).
func (db *DB) EraseInTold(ctx context.Context, org, email string, tell store.TellErased) (_ int, err error) {
	defer failed(&err, "erasing signatures")
	tallyStmt, err := db.tallyStmt(ctx)
	if err != nil {
		return 0, err
	}
	key, err := db.Secret(ctx) // for the keyed hash of outreach senders
	if err != nil {
		return 0, err
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	erased, err := erasedRows(ctx, tx, tell, "email = ? AND org = ?", email, org)
	if err != nil {
		return 0, err
	}
	ds, n, err := deleteSignatures(ctx, tx, "email = ? AND org = ?", email, org)
	if err != nil {
		return 0, err
	}
	// The address's undelivered messages in org go too (store.Outbox),
	// bundled ones taken apart first (bundle.go), with every damaged
	// bundle that may hold the address (quarantine.go).
	var ev store.QuarantineEvent
	if err := unbundle(ctx, tx, nil, 0, &ev); err != nil {
		return 0, err
	}
	if err := dropQuarantined(ctx, tx, &ev, org, email); err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM outbox WHERE org = ? AND email = ?`, org, email); err != nil {
		return 0, err
	}
	if _, err := eraseSenderIn(ctx, tx, key, org, email); err != nil { // outreach.go
		return 0, err
	}
	// And the inbox's pace row (mailpace.go): erased, nothing is kept of it.
	if err := erasePace(ctx, tx, key, email); err != nil {
		return 0, err
	}
	if err := queueErased(ctx, tx, tell, erased); err != nil { // tell.go
		return 0, err
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
