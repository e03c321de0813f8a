package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/placard/placard/internal/store"
)

// storedSQL lists the names holding counts (store.Removals.StoredCampaigns):
// every signature has its tallies row, and arrivals, outreach and forms
// caught by the trap (bots_caught) are counted without one. Outreach holds a row per target, outcome and hour,
// so its names are found by skipping through its key, one step per
// campaign, not by reading every row at each reload.
const storedSQL = `WITH RECURSIVE calls AS (
		(SELECT org, campaign FROM outreach ORDER BY org, campaign LIMIT 1)
		UNION ALL
		SELECT n.org, n.campaign FROM calls, LATERAL (SELECT o.org, o.campaign FROM outreach o
			WHERE (o.org, o.campaign) > (calls.org, calls.campaign) ORDER BY o.org, o.campaign LIMIT 1) n)
	SELECT org, campaign FROM (SELECT org, campaign FROM tallies
		UNION SELECT org, campaign FROM sources
		UNION SELECT org, campaign FROM calls
		UNION SELECT org, campaign FROM outreach_drip
		UNION SELECT org, campaign FROM bots_caught) names
	ORDER BY org COLLATE "C", campaign COLLATE "C"`

// StoredCampaigns lists the names under which counts are stored
// (store.Removals).
func (db *DB) StoredCampaigns(ctx context.Context) (out []store.CampaignName, err error) {
	defer failed(&err, "listing the campaigns with stored rows")
	rows, err := db.pool.Query(ctx, storedSQL)
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

// RecordRemoved records a removed campaign (store.Removals). Two
// instances recording the same removal at once record it once (the
// primary key).
func (db *DB) RecordRemoved(ctx context.Context, org, campaign, fingerprint string, at time.Time, retentionDays int, loaded time.Time) (_ bool, err error) {
	defer failed(&err, "recording a removed campaign")
	tag, err := db.pool.Exec(ctx, `INSERT INTO removed_campaigns (org, name, campaign, removed_at, retention_days, fingerprint)
		SELECT $1, $2, $2, $3, $4, $6
		WHERE NOT EXISTS (SELECT 1 FROM removed_campaigns WHERE org = $1 AND campaign = $2 AND kept_apart_at > $5)
			AND NOT EXISTS (SELECT 1 FROM campaign_returns WHERE org = $1 AND campaign = $2 AND returned_at > $5)
		ON CONFLICT (org, name) DO NOTHING`,
		org, campaign, at.UTC(), max(retentionDays, 0), loaded.UTC(), fingerprint)
	if err != nil {
		return false, err
	}
	return tag.RowsAffected() == 1, nil
}

// recordSQL reads a removed campaign's record whose rows still stand
// under its slug.
const recordSQL = `SELECT removed_at, fingerprint FROM removed_campaigns WHERE org = $1 AND name = $2 AND kept_apart_at IS NULL`

// KeepApart moves a removed campaign's rows to its kept-apart name
// (store.Removals). A slug with no record costs one read and writes
// nothing, so a load checks every campaign it serves. It takes
// lockSigning before reading the record again: a signing batch lands
// wholly before or after the move, and of two instances loading the
// same campaign come back, the second finds the record moved on.
func (db *DB) KeepApart(ctx context.Context, org, campaign, fingerprint string, loaded, now time.Time) (res store.KeptApart, err error) {
	defer failed(&err, "keeping a removed campaign's rows apart")
	var removed time.Time
	var recorded string
	var ev store.QuarantineEvent
	err = db.pool.QueryRow(ctx, recordSQL, org, campaign).Scan(&removed, &recorded)
	if errors.Is(err, pgx.ErrNoRows) {
		return res, nil
	}
	if err != nil {
		return res, err
	}
	err = pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		res = store.KeptApart{}
		if err := lockSigning(ctx, tx); err != nil { // postgres.go
			return err
		}
		err := tx.QueryRow(ctx, recordSQL+` FOR UPDATE`, org, campaign).Scan(&removed, &recorded)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if removed.After(loaded) {
			return nil // the caller's files are older than the removal
		}
		if recorded != "" && recorded == fingerprint {
			// The same campaign returning: its rows are its own.
			if _, err := tx.Exec(ctx, `DELETE FROM removed_campaigns WHERE org = $1 AND name = $2`, org, campaign); err != nil {
				return err
			}
			// Remembered, so files loaded before now record no removal of
			// it again (migration 035).
			if _, err := tx.Exec(ctx, `INSERT INTO campaign_returns (org, campaign, returned_at) VALUES ($1, $2, $3)
				ON CONFLICT (org, campaign) DO UPDATE SET returned_at = greatest(campaign_returns.returned_at, excluded.returned_at)`,
				org, campaign, now.UTC()); err != nil {
				return err
			}
			res.Returned = true
			return nil
		}
		name, err := freeName(ctx, tx, org, campaign, removed)
		if err != nil {
			return err
		}
		if res.MoveResult, err = moveRows(ctx, tx, org, campaign, name); err != nil {
			return err
		}
		// Its undelivered messages go with them (bundles taken apart
		// first): under the slug an email would be written with the new
		// campaign's title, and the purge of the kept-apart name would
		// not reach them.
		ev = store.QuarantineEvent{}
		if _, err := unbundleCampaign(ctx, tx, org, campaign, &ev); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE outbox SET campaign = $3 WHERE org = $1 AND campaign = $2`, org, campaign, name); err != nil {
			return err
		}
		// moved_at: the database's clock now, under the lock the move
		// holds until it commits (AddCredits compares credits with it).
		if _, err := tx.Exec(ctx, `UPDATE removed_campaigns SET name = $3, kept_apart_at = $4, moved_at = clock_timestamp() WHERE org = $1 AND name = $2`,
			org, campaign, name, now.UTC()); err != nil {
			return err
		}
		res.Name = name
		if !res.Moved() {
			return nil
		}
		// Every instance re-reads both names' tallies (changes.go).
		_, err = tx.Exec(ctx, notifySQL, []string{org + "/" + campaign, org + "/" + name})
		return err
	})
	if err != nil {
		return store.KeptApart{}, err
	}
	db.quarantined(ev)
	return res, nil
}

// freeName is the first store.KeptApartName of campaign removed at
// removed that neither a record nor any row holds.
func freeName(ctx context.Context, tx pgx.Tx, org, campaign string, removed time.Time) (string, error) {
	for n := 1; ; n++ {
		name := store.KeptApartName(campaign, removed, n)
		var taken bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM removed_campaigns WHERE org = $1 AND name = $2) OR (`+movedSQL[len("SELECT "):]+`)`,
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
	rows, err := db.pool.Query(ctx, `SELECT r.org, r.name, r.campaign, r.removed_at, r.retention_days, r.kept_apart_at,
			(SELECT count(*) FROM signatures s WHERE s.org = r.org AND s.campaign = r.name)
		FROM removed_campaigns r WHERE $1 = '' OR r.org = $1 ORDER BY r.org COLLATE "C", r.name COLLATE "C"`, org)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var r store.RemovedCampaign
		var kept *time.Time
		if err := rows.Scan(&r.Org, &r.Name, &r.Campaign, &r.RemovedAt, &r.RetentionDays, &kept, &r.Signatures); err != nil {
			return nil, err
		}
		r.RemovedAt = r.RemovedAt.UTC()
		if kept != nil {
			r.KeptApartAt = kept.UTC()
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Now is the database's clock (store.Removals): instances sharing it may
// each have their own, and only this one orders their loads alike.
func (db *DB) Now(ctx context.Context) (t time.Time, err error) {
	defer failed(&err, "reading the database's clock")
	err = db.pool.QueryRow(ctx, `SELECT clock_timestamp()`).Scan(&t)
	return t.UTC(), err
}

// SeenCampaigns remembers that files read at loaded serve names
// (store.Removals), in campaign_returns (migration 035), whose later time
// RecordRemoved already refuses older files by. The rows are written in
// key order, so two instances loading at once lock them alike.
func (db *DB) SeenCampaigns(ctx context.Context, names []store.CampaignName, loaded time.Time) (err error) {
	defer failed(&err, "remembering the campaigns served")
	if len(names) == 0 {
		return nil
	}
	orgs, campaigns := make([]string, len(names)), make([]string, len(names))
	for i, n := range names {
		orgs[i], campaigns[i] = n.Org, n.Campaign
	}
	_, err = db.pool.Exec(ctx, `INSERT INTO campaign_returns AS r (org, campaign, returned_at)
		SELECT DISTINCT org, campaign, $3::timestamptz FROM unnest($1::text[], $2::text[]) AS t(org, campaign)
		ORDER BY org, campaign
		ON CONFLICT (org, campaign) DO UPDATE SET returned_at = excluded.returned_at
		WHERE excluded.returned_at > r.returned_at`, orgs, campaigns, loaded.UTC())
	return err
}
