package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/placard/placard/internal/store"
)

// storedSQL lists the names holding counts (store.Removals.StoredCampaigns):
// every signature has its tallies row, and arrivals, outreach and forms
// caught by the trap (bots_caught) are counted without one. Outreach holds a row per target, outcome and hour,
// so its names are found by skipping through its key, one step per
// campaign, not by reading every row at each reload.
const storedSQL = `WITH RECURSIVE calls(org, campaign) AS (
		SELECT * FROM (SELECT org, campaign FROM outreach ORDER BY org, campaign LIMIT 1)
		UNION ALL
		SELECT (SELECT o.org FROM outreach o WHERE (o.org, o.campaign) > (calls.org, calls.campaign) ORDER BY o.org, o.campaign LIMIT 1),
			(SELECT o.campaign FROM outreach o WHERE (o.org, o.campaign) > (calls.org, calls.campaign) ORDER BY o.org, o.campaign LIMIT 1)
		FROM calls WHERE calls.org IS NOT NULL)
	SELECT org, campaign FROM tallies
	UNION SELECT org, campaign FROM sources
	UNION SELECT org, campaign FROM calls WHERE org IS NOT NULL
	UNION SELECT org, campaign FROM outreach_drip
	UNION SELECT org, campaign FROM bots_caught
	ORDER BY 1, 2`

// StoredCampaigns lists the names under which counts are stored
// (store.Removals).
func (db *DB) StoredCampaigns(ctx context.Context) (out []store.CampaignName, err error) {
	defer failed(&err, "listing the campaigns with stored rows")
	rows, err := db.r.QueryContext(ctx, storedSQL)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var c store.CampaignName
		if err := rows.Scan(&c.Org, &c.Campaign); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// RecordRemoved records a removed campaign (store.Removals). Times are
// stored in timeLayout, which sorts as the times do.
func (db *DB) RecordRemoved(ctx context.Context, org, campaign, fingerprint string, at time.Time, retentionDays int, loaded time.Time) (_ bool, err error) {
	defer failed(&err, "recording a removed campaign")
	r, err := db.w.ExecContext(ctx, `INSERT INTO removed_campaigns (org, name, campaign, removed_at, retention_days, fingerprint)
		SELECT ?1, ?2, ?2, ?3, ?4, ?6
		WHERE NOT EXISTS (SELECT 1 FROM removed_campaigns WHERE org = ?1 AND campaign = ?2 AND kept_apart_at > ?5)
			AND NOT EXISTS (SELECT 1 FROM campaign_returns WHERE org = ?1 AND campaign = ?2 AND returned_at > ?5)
		ON CONFLICT (org, name) DO NOTHING`,
		org, campaign, formatTime(at), max(retentionDays, 0), formatTime(loaded), fingerprint)
	if err != nil {
		return false, err
	}
	return rowsAffected(r) == 1, nil
}

// KeepApart moves a removed campaign's rows to its kept-apart name
// (store.Removals). A slug with no record costs one read and writes
// nothing, so a load checks every campaign it serves.
func (db *DB) KeepApart(ctx context.Context, org, campaign, fingerprint string, loaded, now time.Time) (res store.KeptApart, err error) {
	defer failed(&err, "keeping a removed campaign's rows apart")
	const recordSQL = `SELECT removed_at, fingerprint FROM removed_campaigns WHERE org = ? AND name = ? AND kept_apart_at = ''`
	var removedAt, recorded string
	err = db.r.QueryRowContext(ctx, recordSQL, org, campaign).Scan(&removedAt, &recorded)
	if errors.Is(err, sql.ErrNoRows) {
		return res, nil
	}
	if err != nil {
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
	// Again inside the transaction: another process (the CLI on the same
	// file) may have moved them meanwhile.
	err = tx.QueryRowContext(ctx, recordSQL, org, campaign).Scan(&removedAt, &recorded)
	if errors.Is(err, sql.ErrNoRows) {
		return res, nil
	}
	if err != nil {
		return res, err
	}
	removed, err := parseTime(removedAt)
	if err != nil {
		return res, err
	}
	if removed.After(loaded) {
		return res, nil // the caller's files are older than the removal
	}
	if recorded != "" && recorded == fingerprint {
		// The same campaign returning: its rows are its own.
		if _, err := tx.ExecContext(ctx, `DELETE FROM removed_campaigns WHERE org = ? AND name = ?`, org, campaign); err != nil {
			return res, err
		}
		// Remembered, so files loaded before now record no removal of it
		// again (migration 035).
		if _, err := tx.ExecContext(ctx, `INSERT INTO campaign_returns (org, campaign, returned_at) VALUES (?1, ?2, ?3)
			ON CONFLICT (org, campaign) DO UPDATE SET returned_at = max(returned_at, excluded.returned_at)`,
			org, campaign, formatTime(now)); err != nil {
			return res, err
		}
		if err := tx.Commit(); err != nil {
			return res, err
		}
		res.Returned = true
		return res, nil
	}
	name, err := freeName(ctx, tx, org, campaign, removed)
	if err != nil {
		return res, err
	}
	if res.MoveResult, err = moveRows(ctx, tx, tallyStmt, org, campaign, name); err != nil {
		return res, err
	}
	// Its undelivered messages go with them (bundles taken apart
	// first): under the slug an email would be written with the new
	// campaign's title, and the purge of the kept-apart name would not
	// reach them.
	var ev store.QuarantineEvent
	if _, err := unbundleCampaign(ctx, tx, org, campaign, &ev); err != nil {
		return res, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE outbox SET campaign = ? WHERE org = ? AND campaign = ?`, name, org, campaign); err != nil {
		return res, err
	}
	// moved_at: the host's clock now, inside the write transaction
	// (AddCredits compares credits with it).
	if _, err := tx.ExecContext(ctx, `UPDATE removed_campaigns SET name = ?, kept_apart_at = ?, moved_at = ? WHERE org = ? AND name = ?`,
		name, formatTime(now), formatTime(time.Now()), org, campaign); err != nil {
		return res, err
	}
	if err := tx.Commit(); err != nil {
		return res, err
	}
	db.quarantined(ev)
	res.Name = name
	db.changed()
	return res, nil
}

// freeName is the first store.KeptApartName of campaign removed at
// removed that neither a record nor any row holds.
func freeName(ctx context.Context, tx *sql.Tx, org, campaign string, removed time.Time) (string, error) {
	for n := 1; ; n++ {
		name := store.KeptApartName(campaign, removed, n)
		var taken bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM removed_campaigns WHERE org = ?1 AND name = ?2) OR (`+movedSQL[len("SELECT "):]+`)`,
			org, name).Scan(&taken); err != nil {
			return "", err
		}
		if !taken {
			return name, nil
		}
	}
}

// RemovedCampaigns lists the removed campaigns' records (store.Removals).
func (db *DB) RemovedCampaigns(ctx context.Context, org string) (out []store.RemovedCampaign, err error) {
	defer failed(&err, "listing removed campaigns")
	rows, err := db.r.QueryContext(ctx, `SELECT r.org, r.name, r.campaign, r.removed_at, r.retention_days, r.kept_apart_at,
			(SELECT count(*) FROM signatures s INDEXED BY signatures_campaign_id WHERE s.org = r.org AND s.campaign = r.name)
		FROM removed_campaigns r WHERE ?1 = '' OR r.org = ?1 ORDER BY r.org, r.name`, org)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var r store.RemovedCampaign
		var removed, kept string
		if err := rows.Scan(&r.Org, &r.Name, &r.Campaign, &removed, &r.RetentionDays, &kept, &r.Signatures); err != nil {
			return nil, err
		}
		if r.RemovedAt, err = parseTime(removed); err != nil {
			return nil, err
		}
		if kept != "" {
			if r.KeptApartAt, err = parseTime(kept); err != nil {
				return nil, err
			}
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Now is the database's clock (store.Removals): the host's, which holds
// the file.
func (db *DB) Now(context.Context) (time.Time, error) { return time.Now().UTC(), nil }

// SeenCampaigns remembers that files read at loaded serve names
// (store.Removals), in campaign_returns (migration 035), whose later time
// RecordRemoved already refuses older files by.
func (db *DB) SeenCampaigns(ctx context.Context, names []store.CampaignName, loaded time.Time) (err error) {
	defer failed(&err, "remembering the campaigns served")
	if len(names) == 0 {
		return nil
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	at := formatTime(loaded)
	for _, n := range names {
		if _, err := tx.ExecContext(ctx, `INSERT INTO campaign_returns (org, campaign, returned_at) VALUES (?1, ?2, ?3)
			ON CONFLICT (org, campaign) DO UPDATE SET returned_at = excluded.returned_at
			WHERE excluded.returned_at > returned_at`, n.Org, n.Campaign, at); err != nil {
			return err
		}
	}
	return tx.Commit()
}
