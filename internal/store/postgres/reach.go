package postgres

import (
	"cmp"
	"context"
	"crypto/subtle"
	"errors"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// AddArrivals adds page views per source in one statement (one
// transaction), summed per row first and upserted in key order, so two
// instances flushing at once take row locks in the same order.
func (db *DB) AddArrivals(ctx context.Context, arrivals []signing.Arrivals) (err error) {
	defer failed(&err, "counting arrivals")
	as := slices.Clone(arrivals)
	slices.SortFunc(as, func(a, b signing.Arrivals) int {
		return cmp.Or(cmp.Compare(a.Org, b.Org), cmp.Compare(a.Campaign, b.Campaign), cmp.Compare(a.Source, b.Source))
	})
	var org, campaign, source []string
	var n []int64
	for _, a := range as {
		if a.Count <= 0 {
			continue
		}
		org, campaign, source, n = append(org, a.Org), append(campaign, a.Campaign), append(source, a.Source), append(n, int64(a.Count))
	}
	if len(org) == 0 {
		return nil
	}
	_, err = db.pool.Exec(ctx, `
		INSERT INTO sources AS s (org, campaign, source, arrivals)
		SELECT org, campaign, source, sum(n) FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[])
			AS t(org, campaign, source, n)
		GROUP BY org, campaign, source ORDER BY org, campaign, source
		ON CONFLICT (org, campaign, source) DO UPDATE SET arrivals = s.arrivals + excluded.arrivals`,
		org, campaign, source, n)
	return err
}

// AddCredits adds new signatures per source and per personal link in one
// transaction of its own, summed per row and written in key order (so two
// instances flushing at once lock rows alike and nothing follows the order
// the signatures came in).
func (db *DB) AddCredits(ctx context.Context, credits []signing.Credit) (err error) {
	defer failed(&err, "crediting sources and links")
	var org, campaign, source, referrer []string
	var n []int64
	for _, c := range credits {
		if c.Count <= 0 {
			continue
		}
		org, campaign, source, referrer = append(org, c.Org), append(campaign, c.Campaign), append(source, c.Source), append(referrer, c.Referrer)
		n = append(n, int64(c.Count))
	}
	if len(org) == 0 {
		return nil
	}
	return pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `
			INSERT INTO sources AS s (org, campaign, source, signatures)
			SELECT org, campaign, source, sum(n) FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[])
				AS t(org, campaign, source, n)
			GROUP BY org, campaign, source ORDER BY org, campaign, source
			ON CONFLICT (org, campaign, source) DO UPDATE SET signatures = s.signatures + excluded.signatures`,
			org, campaign, source, n); err != nil {
			return err
		}
		// Lock the credited links in token order first: UPDATE … FROM
		// takes its row locks in no promised order.
		_, err := tx.Exec(ctx, `
			WITH c AS (
				SELECT org, campaign, referrer, sum(n) AS n
				FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[]) AS t(org, campaign, referrer, n)
				WHERE referrer <> '' GROUP BY org, campaign, referrer
			), locked AS (
				SELECT r.token, c.n FROM referrals r JOIN c
					ON r.token = c.referrer AND r.org = c.org AND r.campaign = c.campaign
				ORDER BY r.token FOR UPDATE OF r
			)
			UPDATE referrals r SET signatures = r.signatures + locked.n
			FROM locked WHERE r.token = locked.token`,
			org, campaign, referrer, n)
		return err
	})
}

// AddLinks creates one campaign's personal links in one statement (one
// transaction of its own), in token order, and returns those created.
func (db *DB) AddLinks(ctx context.Context, org, campaign string, links []signing.Referral) (_ []signing.Referral, err error) {
	defer failed(&err, "creating personal links")
	if len(links) == 0 {
		return nil, nil
	}
	tokens, hashes := make([]string, len(links)), make([][]byte, len(links))
	for i, l := range links {
		tokens[i], hashes[i] = l.Token, l.SecretHash[:]
	}
	rows, err := db.pool.Query(ctx, `
		INSERT INTO referrals (token, org, campaign, secret_hash)
		SELECT token, $1, $2, hash FROM unnest($3::text[], $4::bytea[]) AS t(token, hash)
		ORDER BY token COLLATE "C"
		ON CONFLICT DO NOTHING
		RETURNING token`, org, campaign, tokens, hashes)
	if err != nil {
		return nil, err
	}
	tokens, err = pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, err
	}
	made := make(map[string]bool, len(tokens))
	for _, t := range tokens {
		made[t] = true
	}
	var out []signing.Referral
	for _, l := range links {
		if made[l.Token] {
			out = append(out, l)
			delete(made, l.Token) // a token given twice is made once
		}
	}
	return out, nil
}

// Sources returns one campaign's counts per source, in source byte order.
func (db *DB) Sources(ctx context.Context, org, campaign string) (_ []signing.SourceCount, err error) {
	defer failed(&err, "reading a campaign's sources")
	rows, err := db.pool.Query(ctx, `SELECT source, arrivals, signatures FROM sources
		WHERE org = $1 AND campaign = $2 ORDER BY source COLLATE "C"`, org, campaign)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (signing.SourceCount, error) {
		var c signing.SourceCount
		var a, s int64
		err := r.Scan(&c.Source, &a, &s)
		c.Arrivals, c.Signatures = int(a), int(s)
		return c, err
	})
}

// Referrals returns one campaign's links that brought signatures, most first.
func (db *DB) Referrals(ctx context.Context, org, campaign string, limit int) (_ []signing.ReferralCount, err error) {
	defer failed(&err, "reading a campaign's personal links")
	if limit <= 0 {
		return nil, nil
	}
	rows, err := db.pool.Query(ctx, `SELECT token, signatures FROM referrals
		WHERE org = $1 AND campaign = $2 AND signatures > 0
		ORDER BY signatures DESC, token COLLATE "C" LIMIT $3`, org, campaign, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (signing.ReferralCount, error) {
		c := signing.ReferralCount{Org: org, Campaign: campaign}
		var n int64
		err := r.Scan(&c.Token, &n)
		c.Signatures = int(n)
		return c, err
	})
}

// Referral finds a personal link by its token and checks the hash of its
// private key.
func (db *DB) Referral(ctx context.Context, token string, secretHash [32]byte) (_ signing.ReferralCount, err error) {
	defer failed(&err, "finding a personal link")
	c := signing.ReferralCount{Token: token}
	var n int64
	var stored []byte
	err = db.pool.QueryRow(ctx, `SELECT org, campaign, signatures, secret_hash FROM referrals WHERE token = $1`,
		token).Scan(&c.Org, &c.Campaign, &n, &stored)
	if errors.Is(err, pgx.ErrNoRows) || err == nil && subtle.ConstantTimeCompare(stored, secretHash[:]) != 1 {
		return signing.ReferralCount{}, store.ErrNotFound
	}
	c.Signatures = int(n)
	return c, err
}
