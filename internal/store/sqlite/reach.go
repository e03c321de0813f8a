package sqlite

import (
	"cmp"
	"context"
	"crypto/subtle"
	"database/sql"
	"errors"
	"slices"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// reachKey names a count row: a campaign and a source or a link token.
type reachKey struct{ org, campaign, name string }

// AddCredits adds new signatures per source and per personal link in one
// transaction of its own, summed per row and written in key order, never
// in the order the signatures came. A campaign that holds no signature is
// skipped by the very statements that write (a credit only follows a
// stored signature, so such a campaign was purged since), and a credit
// counted since before its slug's rows were kept apart is dropped
// (store.Store.AddCredits): the host's clock is the database's.
func (db *DB) AddCredits(ctx context.Context, credits []signing.Credit) (err error) {
	defer failed(&err, "crediting sources and links")
	entry := time.Now()
	if !slices.ContainsFunc(credits, func(c signing.Credit) bool { return c.Count > 0 }) {
		return nil
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// The latest time each slug's rows were moved apart, read in this
	// transaction, which holds the write lock: a credit counted before it
	// is dropped. now is read under the lock too, on the host's clock,
	// which every process of the file shares; Age plus the time since
	// this call began puts each credit's first signature on it.
	moved := map[store.CampaignName]string{}
	now := time.Now()
	since := now.Sub(entry)
	sources := map[reachKey]int{}
	links := map[reachKey]int{}
	for _, c := range credits {
		if c.Count <= 0 {
			continue
		}
		k := store.CampaignName{Org: c.Org, Campaign: c.Campaign}
		at, ok := moved[k]
		if !ok {
			// A move recorded before migration 041 has no moved_at and
			// keeps the former rule: its kept_apart_at and
			// store.CreditMargin.
			var old string
			if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(moved_at), ''), coalesce(max(kept_apart_at) FILTER (WHERE moved_at = ''), '')
				FROM removed_campaigns WHERE org = ? AND campaign = ?`,
				c.Org, c.Campaign).Scan(&at, &old); err != nil {
				return err
			}
			if old != "" {
				t, err := parseTime(old)
				if err != nil {
					return err
				}
				if m := formatTime(t.Add(store.CreditMargin)); m > at {
					at = m
				}
			}
			moved[k] = at
		}
		if at != "" && at >= formatTime(now.Add(-max(c.Age, 0)-since)) {
			continue
		}
		sources[reachKey{c.Org, c.Campaign, c.Source}] += c.Count
		if c.Referrer != "" {
			links[reachKey{c.Org, c.Campaign, c.Referrer}] += c.Count
		}
	}
	for _, k := range sortedKeys(sources) {
		if _, err := tx.ExecContext(ctx, `INSERT INTO sources (org, campaign, source, signatures) SELECT ?1, ?2, ?3, ?4
			WHERE EXISTS (SELECT 1 FROM signatures WHERE org = ?1 AND campaign = ?2)
			ON CONFLICT (org, campaign, source) DO UPDATE SET signatures = signatures + excluded.signatures`,
			k.org, k.campaign, k.name, sources[k]); err != nil {
			return err
		}
	}
	// A link's row is made by its first credit: links are stored nowhere
	// before they bring someone (attribution.Links).
	for _, k := range sortedKeys(links) {
		if _, err := tx.ExecContext(ctx, `INSERT INTO referrals (org, campaign, token, signatures) SELECT ?1, ?2, ?3, ?4
			WHERE EXISTS (SELECT 1 FROM signatures WHERE org = ?1 AND campaign = ?2)
			ON CONFLICT (org, campaign, token) DO UPDATE SET signatures = signatures + excluded.signatures`,
			k.org, k.campaign, k.name, links[k]); err != nil {
			return err
		}
	}
	return tx.Commit()
}

func sortedKeys(m map[reachKey]int) []reachKey {
	keys := make([]reachKey, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b reachKey) int {
		return cmp.Or(cmp.Compare(a.org, b.org), cmp.Compare(a.campaign, b.campaign), cmp.Compare(a.name, b.name))
	})
	return keys
}

// AddArrivals adds page views per source in one transaction.
func (db *DB) AddArrivals(ctx context.Context, arrivals []signing.Arrivals) (err error) {
	defer failed(&err, "counting arrivals")
	if len(arrivals) == 0 {
		return nil
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, a := range arrivals {
		if a.Count <= 0 {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO sources (org, campaign, source, arrivals) VALUES (?, ?, ?, ?)
			ON CONFLICT (org, campaign, source) DO UPDATE SET arrivals = arrivals + excluded.arrivals`,
			a.Org, a.Campaign, a.Source, a.Count); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// Sources returns one campaign's counts per source, in source order.
func (db *DB) Sources(ctx context.Context, org, campaign string) (_ []signing.SourceCount, err error) {
	defer failed(&err, "reading a campaign's sources")
	rows, err := db.r.QueryContext(ctx, `SELECT source, arrivals, signatures FROM sources
		WHERE org = ? AND campaign = ? ORDER BY source`, org, campaign)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []signing.SourceCount
	for rows.Next() {
		var c signing.SourceCount
		if err := rows.Scan(&c.Source, &c.Arrivals, &c.Signatures); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Referrals returns one campaign's links that brought signatures, most first.
func (db *DB) Referrals(ctx context.Context, org, campaign string, limit int) (_ []signing.ReferralCount, err error) {
	defer failed(&err, "reading a campaign's personal links")
	if limit <= 0 {
		return nil, nil
	}
	rows, err := db.r.QueryContext(ctx, `SELECT token, signatures FROM referrals
		WHERE org = ? AND campaign = ? AND signatures > 0
		ORDER BY signatures DESC, token LIMIT ?`, org, campaign, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []signing.ReferralCount
	for rows.Next() {
		c := signing.ReferralCount{Org: org, Campaign: campaign}
		if err := rows.Scan(&c.Token, &c.Signatures); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Referral finds one campaign's personal link by its token: a legacy link
// whose stored hash is *secretHash (compared in constant time), or, with
// no hash, a link its credits made.
func (db *DB) Referral(ctx context.Context, org, campaign, token string, secretHash *[32]byte) (_ signing.ReferralCount, err error) {
	defer failed(&err, "finding a personal link")
	c := signing.ReferralCount{Org: org, Campaign: campaign, Token: token}
	var stored []byte
	err = db.r.QueryRowContext(ctx, `SELECT signatures, secret_hash FROM referrals WHERE org = ? AND campaign = ? AND token = ?`,
		org, campaign, token).Scan(&c.Signatures, &stored)
	if errors.Is(err, sql.ErrNoRows) {
		return signing.ReferralCount{}, store.ErrNotFound
	}
	if err != nil {
		return signing.ReferralCount{}, err
	}
	if secretHash == nil && stored != nil || secretHash != nil && subtle.ConstantTimeCompare(stored, secretHash[:]) != 1 {
		return signing.ReferralCount{}, store.ErrNotFound
	}
	return c, nil
}
