package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/placard/placard/internal/store"
)

// movedSQL finds whether campaign org/campaign ($1, $2) holds any row a
// move would carry: one read, each part through a key or index that
// starts with (org, campaign), so a load with many redirects whose old
// names hold nothing stays cheap.
const movedSQL = `SELECT EXISTS (SELECT 1 FROM tallies WHERE org = $1 AND campaign = $2)
	OR EXISTS (SELECT 1 FROM signatures WHERE org = $1 AND campaign = $2)
	OR EXISTS (SELECT 1 FROM sources WHERE org = $1 AND campaign = $2)
	OR EXISTS (SELECT 1 FROM referrals WHERE org = $1 AND campaign = $2)
	OR EXISTS (SELECT 1 FROM outreach WHERE org = $1 AND campaign = $2)
	OR EXISTS (SELECT 1 FROM outreach_senders WHERE org = $1 AND campaign = $2)
	OR EXISTS (SELECT 1 FROM outreach_drip WHERE org = $1 AND campaign = $2)
	OR EXISTS (SELECT 1 FROM mail_unsent WHERE org = $1 AND campaign = $2)
	OR EXISTS (SELECT 1 FROM signatures_refused WHERE org = $1 AND campaign = $2)
	OR EXISTS (SELECT 1 FROM bots_caught WHERE org = $1 AND campaign = $2)`

// duplicatesSQL picks, for each address that signed both org/from ($2)
// and org/to ($3), the signature that goes: the later one, an unconfirmed
// one giving way to a confirmed one, and any other giving way to an
// approved one: the approved signature is the counted one, which a merge
// must never take off (a moderator may have rejected the earlier one as
// a repeat; storetest ApprovedKept).
const duplicatesSQL = `id IN (SELECT CASE
		WHEN (a.status <> 'approved', a.status = 'unconfirmed', a.created_at, a.id) <=
			(b.status <> 'approved', b.status = 'unconfirmed', b.created_at, b.id) THEN b.id
		ELSE a.id END
	FROM signatures a JOIN signatures b ON b.email = a.email AND b.org = a.org AND b.campaign = $3
	WHERE a.org = $1 AND a.campaign = $2)`

// mergeSQL carries the count tables' rows of org/from ($2) to org/to ($3),
// adding up with the rows already there: tallies first, as signing
// writes them after signatures, then sources before referrals, the
// order credits take (AddCredits), so none of them waits for a row the
// other holds.
var mergeSQL = []string{
	`INSERT INTO tallies AS t (org, campaign, signatures, organisations, pending, revision)
	SELECT org, $3, signatures, organisations, pending, revision FROM tallies WHERE org = $1 AND campaign = $2
	ON CONFLICT (org, campaign) DO UPDATE SET
		signatures = t.signatures + excluded.signatures,
		organisations = t.organisations + excluded.organisations,
		pending = t.pending + excluded.pending,
		revision = t.revision + excluded.revision + 1`,
	`INSERT INTO sources AS t (org, campaign, source, arrivals, signatures)
	SELECT org, $3, source, arrivals, signatures FROM sources WHERE org = $1 AND campaign = $2
	ON CONFLICT (org, campaign, source) DO UPDATE SET
		arrivals = t.arrivals + excluded.arrivals,
		signatures = t.signatures + excluded.signatures`,
	`INSERT INTO referrals AS t (org, campaign, token, secret_hash, signatures)
	SELECT org, $3, token, secret_hash, signatures FROM referrals WHERE org = $1 AND campaign = $2
	ON CONFLICT (org, campaign, token) DO UPDATE SET
		secret_hash = coalesce(t.secret_hash, excluded.secret_hash),
		signatures = t.signatures + excluded.signatures`,
	`INSERT INTO outreach AS t (org, campaign, action, target, kind, outcome, hour, n)
	SELECT org, $3, action, target, kind, outcome, hour, n FROM outreach WHERE org = $1 AND campaign = $2
	ON CONFLICT (org, campaign, action, target, kind, outcome, hour) DO UPDATE SET
		n = t.n + excluded.n`,
	`INSERT INTO outreach_senders (org, campaign, target, sender)
	SELECT org, $3, target, sender FROM outreach_senders WHERE org = $1 AND campaign = $2
	ON CONFLICT (org, campaign, target, sender) DO NOTHING`,
	// A target's drip keeps its latest slot.
	`INSERT INTO outreach_drip AS t (org, campaign, target, hour, n)
	SELECT org, $3, target, hour, n FROM outreach_drip WHERE org = $1 AND campaign = $2
	ON CONFLICT (org, campaign, target) DO UPDATE SET
		hour = greatest(t.hour, excluded.hour),
		n = CASE WHEN excluded.hour > t.hour THEN excluded.n
			WHEN excluded.hour = t.hour THEN t.n + excluded.n
			ELSE t.n END`,
	// The queue's domain counts and held-back inboxes (migration 050).
	`INSERT INTO outreach_drip_domains AS t (org, campaign, target, domain, hour, n)
	SELECT org, $3, target, domain, hour, n FROM outreach_drip_domains WHERE org = $1 AND campaign = $2
	ON CONFLICT (org, campaign, target, domain, hour) DO UPDATE SET n = t.n + excluded.n`,
	`INSERT INTO outreach_held (org, campaign, target, sender, hour)
	SELECT org, $3, target, sender, hour FROM outreach_held WHERE org = $1 AND campaign = $2
	ON CONFLICT (org, campaign, target, sender) DO NOTHING`,
	// The waiting letters' inboxes (migration 056), with their counts.
	`INSERT INTO outreach_waiting (org, campaign, target, sender, domain, hour)
	SELECT org, $3, target, sender, domain, hour FROM outreach_waiting WHERE org = $1 AND campaign = $2
	ON CONFLICT (org, campaign, target, sender) DO NOTHING`,
	// Confirmations given up unsent (migration 044): the dashboard
	// shows the new name's.
	`INSERT INTO mail_unsent AS t (org, campaign, count)
	SELECT org, $3, count FROM mail_unsent WHERE org = $1 AND campaign = $2
	ON CONFLICT (org, campaign) DO UPDATE SET count = t.count + excluded.count`,
	// Signatures refused (migration 048), likewise.
	`INSERT INTO signatures_refused AS t (org, campaign, count)
	SELECT org, $3, count FROM signatures_refused WHERE org = $1 AND campaign = $2
	ON CONFLICT (org, campaign) DO UPDATE SET count = t.count + excluded.count`,
	// Forms caught by the trap (migration 052), likewise.
	`INSERT INTO bots_caught AS t (org, campaign, count)
	SELECT org, $3, count FROM bots_caught WHERE org = $1 AND campaign = $2
	ON CONFLICT (org, campaign) DO UPDATE SET count = t.count + excluded.count`,
}

// movedTables are the count tables mergeSQL copies from, emptied of the
// old name after it, in the same order.
var movedTables = []string{"tallies", "sources", "referrals", "outreach", "outreach_senders", "outreach_drip", "outreach_drip_domains", "outreach_held", "outreach_waiting", "mail_unsent", "signatures_refused", "bots_caught"}

// MoveCampaign moves campaign org/from's rows to org/to (store.Renames).
// It takes lockSigning before reading a row, as erasures do: a signing
// batch of either name lands wholly before or after the move, and a
// second move (another instance loading the same campaigns) waits, then
// finds nothing. The outbox is left as it is: its messages keep the old
// name.
func (db *DB) MoveCampaign(ctx context.Context, org, from, to string) (res store.MoveResult, err error) {
	defer failed(&err, "moving a renamed campaign's rows")
	if from == to {
		return res, nil
	}
	var any bool
	if err := db.pool.QueryRow(ctx, movedSQL, org, from).Scan(&any); err != nil || !any {
		return res, err
	}
	err = pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		res = store.MoveResult{}
		if err := lockSigning(ctx, tx); err != nil { // postgres.go
			return err
		}
		var err error
		if res, err = moveRows(ctx, tx, org, from, to); err != nil {
			return err
		}
		// A removed campaign's record goes with its rows
		// (store.Removals): they are counted under to now, as its own.
		if _, err := tx.Exec(ctx, `DELETE FROM removed_campaigns WHERE org = $1 AND name = $2`, org, from); err != nil {
			return err
		}
		if !res.Moved() {
			return nil
		}
		// Every instance re-reads both names' tallies (changes.go).
		_, err = tx.Exec(ctx, notifySQL, []string{org + "/" + from, org + "/" + to})
		return err
	})
	return res, err
}

// moveRows is MoveCampaign's work inside tx, which holds lockSigning;
// KeepApart shares it.
func moveRows(ctx context.Context, tx pgx.Tx, org, from, to string) (res store.MoveResult, err error) {
	ds, n, err := deleteSignatures(ctx, tx, duplicatesSQL, org, from, to)
	if err != nil {
		return res, err
	}
	res.Duplicates = n
	if err := applyDeltas(ctx, tx, &ds); err != nil {
		return res, err
	}
	tag, err := tx.Exec(ctx, `UPDATE signatures SET campaign = $3 WHERE org = $1 AND campaign = $2`, org, from, to)
	if err != nil {
		return res, err
	}
	res.Signatures = int(tag.RowsAffected())
	for _, q := range mergeSQL {
		tag, err := tx.Exec(ctx, q, org, from, to)
		if err != nil {
			return res, err
		}
		res.Rows += int(tag.RowsAffected())
	}
	for _, table := range movedTables {
		if _, err := tx.Exec(ctx, `DELETE FROM `+table+` WHERE org = $1 AND campaign = $2`, org, from); err != nil {
			return res, err
		}
	}
	return res, nil
}
