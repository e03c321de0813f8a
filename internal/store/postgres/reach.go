package postgres

import (
	"cmp"
	"context"
	"crypto/subtle"
	"errors"
	"slices"
	"time"

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
// transaction of its own, skipping in the same statements any campaign
// that holds no signature (it was purged: a credit only follows a stored
// signature) or whose slug's rows were kept apart since its first
// signature was counted (notMovedSince), summed per row and written in key
// order (so two instances flushing at once lock rows alike and nothing
// follows the order the signatures came in).
func (db *DB) AddCredits(ctx context.Context, credits []signing.Credit) (err error) {
	defer failed(&err, "crediting sources and links")
	entry := time.Now()
	var org, campaign, source, referrer []string
	var n []int64
	var ages []time.Duration
	for _, c := range credits {
		if c.Count <= 0 {
			continue
		}
		org, campaign, source, referrer = append(org, c.Org), append(campaign, c.Campaign), append(source, c.Source), append(referrer, c.Referrer)
		n = append(n, int64(c.Count))
		ages = append(ages, max(c.Age, 0))
	}
	if len(org) == 0 {
		return nil
	}
	return pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		// The database's clock, read before any wait for a lock: every
		// credit here was counted before it, and Age plus the time since
		// this call began (measured once the answer is back, so never
		// less than the true time) puts each credit's first signature on
		// that clock, at or before when it was really counted.
		var at time.Time
		if err := tx.QueryRow(ctx, `SELECT clock_timestamp()`).Scan(&at); err != nil {
			return err
		}
		since := time.Since(entry)
		age := make([]int64, len(ages))
		for i, a := range ages {
			age[i] = (a + since).Microseconds() + 1
		}
		// A purge or erasure under way on any instance holds signatures
		// in SHARE ROW EXCLUSIVE (lockSigning), which this ROW EXCLUSIVE
		// waits for, as a signing batch does: the checks below then see
		// its signatures gone. Without it a check made before the purge
		// committed saw them still there, and credits inserted after the
		// purge had deleted the campaign's links and sources outlived it
		// (TestCreditBesidePurge). Taken first, before any row lock, so
		// it cannot deadlock with an erasure, which takes it first too.
		if _, err := tx.Exec(ctx, `LOCK TABLE signatures IN ROW EXCLUSIVE MODE`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO sources AS s (org, campaign, source, signatures)
			SELECT org, campaign, source, sum(n) FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[])
				AS t(org, campaign, source, n, age)
			WHERE EXISTS (SELECT 1 FROM signatures g WHERE g.org = t.org AND g.campaign = t.campaign)
				AND `+notMovedSince+`
			GROUP BY org, campaign, source ORDER BY org, campaign, source
			ON CONFLICT (org, campaign, source) DO UPDATE SET signatures = s.signatures + excluded.signatures`,
			org, campaign, source, n, age, at); err != nil {
			return err
		}
		if crediting != nil {
			crediting()
		}
		// A link's row is made by its first credit (links are stored
		// nowhere before they bring someone: attribution.Links), upserted
		// in key order like the sources, so two instances flushing at once
		// take row locks in the same order.
		_, err := tx.Exec(ctx, `
			INSERT INTO referrals AS r (org, campaign, token, signatures)
			SELECT org, campaign, referrer, sum(n)
			FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[]) AS t(org, campaign, referrer, n, age)
			WHERE referrer <> '' AND EXISTS (SELECT 1 FROM signatures g WHERE g.org = t.org AND g.campaign = t.campaign)
				AND `+notMovedSince+`
			GROUP BY org, campaign, referrer
			ORDER BY org COLLATE "C", campaign COLLATE "C", referrer COLLATE "C"
			ON CONFLICT (org, campaign, token) DO UPDATE SET signatures = r.signatures + excluded.signatures`,
			org, campaign, referrer, n, age, at)
		return err
	})
}

// notMovedSince keeps, in AddCredits, a credit t of a slug whose rows
// were not moved apart after its first signature was counted: $6 less
// t.age (microseconds) on the database's clock, compared with the move's
// own time (moved_at, read under the move's lock, migration 041). A
// credit counted before a move may count signatures moved apart and is
// dropped, however long it waited to be written; one counted after it
// counts signatures stored after the move, for the slug's new campaign,
// however soon. A move recorded before 041 has no moved_at and keeps the
// former rule, its kept_apart_at and store.CreditMargin.
const notMovedSince = `NOT EXISTS (SELECT 1 FROM removed_campaigns m WHERE m.org = t.org AND m.campaign = t.campaign
		AND coalesce(m.moved_at, m.kept_apart_at + interval '` + creditMarginSQL + `') >= $6::timestamptz - t.age * interval '1 microsecond')`

// creditMarginSQL is store.CreditMargin as a PostgreSQL interval.
const creditMarginSQL = "60 seconds"

// The build fails here when store.CreditMargin is no longer 60 seconds:
// change creditMarginSQL with it.
var _ = [1]struct{}{}[store.CreditMargin-60*time.Second]

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

// Referral finds one campaign's personal link by its token: a legacy link
// whose stored hash is *secretHash (compared in constant time), or, with
// no hash, a link its credits made.
func (db *DB) Referral(ctx context.Context, org, campaign, token string, secretHash *[32]byte) (_ signing.ReferralCount, err error) {
	defer failed(&err, "finding a personal link")
	var n int64
	var stored []byte
	err = db.pool.QueryRow(ctx, `SELECT signatures, secret_hash FROM referrals WHERE org = $1 AND campaign = $2 AND token = $3`,
		org, campaign, token).Scan(&n, &stored)
	if errors.Is(err, pgx.ErrNoRows) {
		return signing.ReferralCount{}, store.ErrNotFound
	}
	if err != nil {
		return signing.ReferralCount{}, err
	}
	if secretHash == nil && stored != nil || secretHash != nil && subtle.ConstantTimeCompare(stored, secretHash[:]) != 1 {
		return signing.ReferralCount{}, store.ErrNotFound
	}
	return signing.ReferralCount{Org: org, Campaign: campaign, Token: token, Signatures: int(n)}, nil
}

// crediting, set only by tests, runs inside AddCredits' transaction
// between its writes to sources and to referrals
// (TestPurgeBesideCredits).
var crediting func()
