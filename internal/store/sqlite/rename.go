package sqlite

import (
	"context"
	"database/sql"

	"github.com/placard/placard/internal/store"
)

// movedSQL finds whether campaign org/campaign (?1, ?2) holds any row a
// move would carry: one read, each part through a key or index that
// starts with (org, campaign), so a load with many redirects whose old
// names hold nothing stays cheap.
const movedSQL = `SELECT EXISTS (SELECT 1 FROM tallies WHERE org = ?1 AND campaign = ?2)
	OR EXISTS (SELECT 1 FROM signatures INDEXED BY signatures_campaign_id WHERE org = ?1 AND campaign = ?2)
	OR EXISTS (SELECT 1 FROM sources WHERE org = ?1 AND campaign = ?2)
	OR EXISTS (SELECT 1 FROM referrals WHERE org = ?1 AND campaign = ?2)
	OR EXISTS (SELECT 1 FROM outreach WHERE org = ?1 AND campaign = ?2)
	OR EXISTS (SELECT 1 FROM outreach_senders WHERE org = ?1 AND campaign = ?2)
	OR EXISTS (SELECT 1 FROM outreach_drip WHERE org = ?1 AND campaign = ?2)
	OR EXISTS (SELECT 1 FROM mail_unsent WHERE org = ?1 AND campaign = ?2)
	OR EXISTS (SELECT 1 FROM signatures_refused WHERE org = ?1 AND campaign = ?2)
	OR EXISTS (SELECT 1 FROM bots_caught WHERE org = ?1 AND campaign = ?2)`

// duplicatesSQL picks, for each address that signed both org/from (?2)
// and org/to (?3), the signature that goes: the later one, an unconfirmed
// one giving way to a confirmed one, and any other giving way to an
// approved one: the approved signature is the counted one, which a merge
// must never take off (a moderator may have rejected the earlier one as
// a repeat; storetest ApprovedKept).
const duplicatesSQL = `id IN (SELECT CASE
		WHEN (a.status <> 'approved', a.status = 'unconfirmed', a.created_at, a.id) <=
			(b.status <> 'approved', b.status = 'unconfirmed', b.created_at, b.id) THEN b.id
		ELSE a.id END
	FROM signatures a JOIN signatures b ON b.email = a.email AND b.org = a.org AND b.campaign = ?3
	WHERE a.org = ?1 AND a.campaign = ?2)`

// mergeSQL carries the count tables' rows of org/from (?2) to org/to (?3),
// adding up with the rows already there, in the order PostgreSQL's
// engine writes them (sources before referrals, as credits do).
var mergeSQL = []string{
	`INSERT INTO tallies (org, campaign, signatures, organisations, pending, revision)
	SELECT org, ?3, signatures, organisations, pending, revision FROM tallies WHERE org = ?1 AND campaign = ?2
	ON CONFLICT (org, campaign) DO UPDATE SET
		signatures = tallies.signatures + excluded.signatures,
		organisations = tallies.organisations + excluded.organisations,
		pending = tallies.pending + excluded.pending,
		revision = tallies.revision + excluded.revision + 1`,
	`INSERT INTO sources (org, campaign, source, arrivals, signatures)
	SELECT org, ?3, source, arrivals, signatures FROM sources WHERE org = ?1 AND campaign = ?2
	ON CONFLICT (org, campaign, source) DO UPDATE SET
		arrivals = sources.arrivals + excluded.arrivals,
		signatures = sources.signatures + excluded.signatures`,
	`INSERT INTO referrals (org, campaign, token, secret_hash, signatures)
	SELECT org, ?3, token, secret_hash, signatures FROM referrals WHERE org = ?1 AND campaign = ?2
	ON CONFLICT (org, campaign, token) DO UPDATE SET
		secret_hash = coalesce(referrals.secret_hash, excluded.secret_hash),
		signatures = referrals.signatures + excluded.signatures`,
	`INSERT INTO outreach (org, campaign, action, target, kind, outcome, hour, n)
	SELECT org, ?3, action, target, kind, outcome, hour, n FROM outreach WHERE org = ?1 AND campaign = ?2
	ON CONFLICT (org, campaign, action, target, kind, outcome, hour) DO UPDATE SET
		n = outreach.n + excluded.n`,
	`INSERT INTO outreach_senders (org, campaign, target, sender)
	SELECT org, ?3, target, sender FROM outreach_senders WHERE org = ?1 AND campaign = ?2
	ON CONFLICT (org, campaign, target, sender) DO NOTHING`,
	// A target's drip keeps its latest slot.
	`INSERT INTO outreach_drip (org, campaign, target, hour, n)
	SELECT org, ?3, target, hour, n FROM outreach_drip WHERE org = ?1 AND campaign = ?2
	ON CONFLICT (org, campaign, target) DO UPDATE SET
		hour = max(outreach_drip.hour, excluded.hour),
		n = CASE WHEN excluded.hour > outreach_drip.hour THEN excluded.n
			WHEN excluded.hour = outreach_drip.hour THEN outreach_drip.n + excluded.n
			ELSE outreach_drip.n END`,
	// The queue's domain counts and held-back inboxes (migration 050).
	`INSERT INTO outreach_drip_domains (org, campaign, target, domain, hour, n)
	SELECT org, ?3, target, domain, hour, n FROM outreach_drip_domains WHERE org = ?1 AND campaign = ?2
	ON CONFLICT (org, campaign, target, domain, hour) DO UPDATE SET n = outreach_drip_domains.n + excluded.n`,
	`INSERT INTO outreach_held (org, campaign, target, sender, hour)
	SELECT org, ?3, target, sender, hour FROM outreach_held WHERE org = ?1 AND campaign = ?2
	ON CONFLICT (org, campaign, target, sender) DO NOTHING`,
	// The waiting letters' inboxes (migration 056), with their counts.
	`INSERT INTO outreach_waiting (org, campaign, target, sender, domain, hour)
	SELECT org, ?3, target, sender, domain, hour FROM outreach_waiting WHERE org = ?1 AND campaign = ?2
	ON CONFLICT (org, campaign, target, sender) DO NOTHING`,
	// Confirmations given up unsent (migration 044): the dashboard
	// shows the new name's.
	`INSERT INTO mail_unsent (org, campaign, count)
	SELECT org, ?3, count FROM mail_unsent WHERE org = ?1 AND campaign = ?2
	ON CONFLICT (org, campaign) DO UPDATE SET count = mail_unsent.count + excluded.count`,
	// Signatures refused (migration 048), likewise.
	`INSERT INTO signatures_refused (org, campaign, count)
	SELECT org, ?3, count FROM signatures_refused WHERE org = ?1 AND campaign = ?2
	ON CONFLICT (org, campaign) DO UPDATE SET count = signatures_refused.count + excluded.count`,
	// Forms caught by the trap (migration 052), likewise.
	`INSERT INTO bots_caught (org, campaign, count)
	SELECT org, ?3, count FROM bots_caught WHERE org = ?1 AND campaign = ?2
	ON CONFLICT (org, campaign) DO UPDATE SET count = bots_caught.count + excluded.count`,
}

// movedTables are the count tables mergeSQL copies from, emptied of the
// old name after it.
var movedTables = []string{"tallies", "sources", "referrals", "outreach", "outreach_senders", "outreach_drip", "outreach_drip_domains", "outreach_held", "outreach_waiting", "mail_unsent", "signatures_refused", "bots_caught"}

// MoveCampaign moves campaign org/from's rows to org/to (store.Renames).
// The outbox is left as it is: its messages keep the old name.
func (db *DB) MoveCampaign(ctx context.Context, org, from, to string) (res store.MoveResult, err error) {
	defer failed(&err, "moving a renamed campaign's rows")
	if from == to {
		return res, nil
	}
	var any bool
	if err := db.r.QueryRowContext(ctx, movedSQL, org, from).Scan(&any); err != nil || !any {
		return res, err
	}
	tallyStmt, err := db.tallyStmt(ctx)
	if err != nil {
		return res, err
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return res, err
	}
	defer tx.Rollback()
	if res, err = moveRows(ctx, tx, tallyStmt, org, from, to); err != nil {
		return res, err
	}
	// A removed campaign's record goes with its rows (store.Removals):
	// they are counted under to now, as its own.
	if _, err := tx.ExecContext(ctx, `DELETE FROM removed_campaigns WHERE org = ? AND name = ?`, org, from); err != nil {
		return res, err
	}
	if err := tx.Commit(); err != nil {
		return res, err
	}
	db.changed()
	return res, nil
}

// moveRows is MoveCampaign's work inside tx, which KeepApart shares.
func moveRows(ctx context.Context, tx *sql.Tx, tallyStmt *sql.Stmt, org, from, to string) (res store.MoveResult, err error) {
	ds, n, err := deleteSignatures(ctx, tx, duplicatesSQL, org, from, to)
	if err != nil {
		return res, err
	}
	res.Duplicates = n
	if err := applyDeltas(ctx, tx, tallyStmt, &ds); err != nil {
		return res, err
	}
	r, err := tx.ExecContext(ctx, `UPDATE signatures SET campaign = ?3 WHERE org = ?1 AND campaign = ?2`, org, from, to)
	if err != nil {
		return res, err
	}
	res.Signatures = int(rowsAffected(r))
	for _, q := range mergeSQL {
		r, err := tx.ExecContext(ctx, q, org, from, to)
		if err != nil {
			return res, err
		}
		res.Rows += int(rowsAffected(r))
	}
	for _, table := range movedTables {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE org = ?1 AND campaign = ?2`, org, from); err != nil {
			return res, err
		}
	}
	return res, nil
}

func rowsAffected(r sql.Result) int64 {
	n, _ := r.RowsAffected()
	return n
}
