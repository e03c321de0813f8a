package sqlite

import (
	"cmp"
	"context"
	"crypto/subtle"
	"database/sql"
	"errors"
	"math/bits"
	"slices"
	"strings"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// reachKey names a count row: a campaign and a source or a link token.
type reachKey struct{ org, campaign, name string }

// AddCredits adds new signatures per source and per personal link in one
// transaction of its own, summed per row and written in key order, never
// in the order the signatures came.
func (db *DB) AddCredits(ctx context.Context, credits []signing.Credit) (err error) {
	defer failed(&err, "crediting sources and links")
	sources := map[reachKey]int{}
	links := map[reachKey]int{}
	for _, c := range credits {
		if c.Count <= 0 {
			continue
		}
		sources[reachKey{c.Org, c.Campaign, c.Source}] += c.Count
		if c.Referrer != "" {
			links[reachKey{c.Org, c.Campaign, c.Referrer}] += c.Count
		}
	}
	if len(sources) == 0 {
		return nil
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, k := range sortedKeys(sources) {
		if _, err := tx.ExecContext(ctx, `INSERT INTO sources (org, campaign, source, signatures) VALUES (?, ?, ?, ?)
			ON CONFLICT (org, campaign, source) DO UPDATE SET signatures = signatures + excluded.signatures`,
			k.org, k.campaign, k.name, sources[k]); err != nil {
			return err
		}
	}
	for _, k := range sortedKeys(links) {
		if _, err := tx.ExecContext(ctx, `UPDATE referrals SET signatures = signatures + ?
			WHERE token = ? AND org = ? AND campaign = ?`, links[k], k.name, k.org, k.campaign); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// AddLinks creates one campaign's personal links in one transaction of its
// own, in token order (the table is kept in token order anyway: WITHOUT
// ROWID), and returns those created.
func (db *DB) AddLinks(ctx context.Context, org, campaign string, links []signing.Referral) (_ []signing.Referral, err error) {
	defer failed(&err, "creating personal links")
	if len(links) == 0 {
		return nil, nil
	}
	sorted := slices.Clone(links)
	// Stable: of a token given twice, the first is inserted.
	slices.SortStableFunc(sorted, func(a, b signing.Referral) int { return cmp.Compare(a.Token, b.Token) })
	// Many rows per statement (a pool's batch may be a hundred links or
	// more): the writer is shared with the signatures' group commit, so it
	// must be held briefly. The batch is cut into chunks of powers of two
	// (a pool's batches are powers of two anyway), so a handful of
	// prepared statements serves every size and none is parsed again.
	var chunks []int
	for rest := len(sorted); rest > 0; {
		n := min(linksChunk, 1<<(bits.Len(uint(rest))-1))
		chunks = append(chunks, n)
		rest -= n
	}
	stmts := make([]*sql.Stmt, len(chunks))
	for i, n := range chunks {
		if stmts[i], err = db.prepared(ctx, stmtKey{stmtInsertLinks, n}, func() string { return linksSQL(n) }); err != nil {
			return nil, err
		}
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	args := make([]any, 0, 4*min(linksChunk, len(sorted)))
	orgArg, campaignArg := any(org), any(campaign) // boxed once, not per row
	start, all := 0, true
	for i, n := range chunks {
		args = args[:0]
		// By index: the hash is sliced where it lies, not from a copy
		// of the link that would go to the heap for every row.
		for j := start; j < start+n; j++ {
			args = append(args, sorted[j].Token, orgArg, campaignArg, sorted[j].SecretHash[:])
		}
		start += n
		res, err := tx.StmtContext(ctx, stmts[i]).ExecContext(ctx, args...)
		if err != nil {
			return nil, err
		}
		if got, err := res.RowsAffected(); err != nil || got != int64(n) {
			all = false
		}
	}
	// Every row inserted is the common case (tokens are random): then no
	// token was given twice (the second would have been skipped) and the
	// links made are the links given.
	if all {
		if err := tx.Commit(); err != nil {
			return nil, err
		}
		return links, nil
	}
	// When one was not, a link is made if its token's stored hash is its
	// own: a token already stored, or given twice, is made at most once.
	made := func(l signing.Referral) (bool, error) {
		var h []byte
		err := tx.QueryRowContext(ctx, `SELECT secret_hash FROM referrals WHERE token = ?`, l.Token).Scan(&h)
		return err == nil && string(h) == string(l.SecretHash[:]), err
	}
	var out []signing.Referral
	seen := make(map[string]bool, len(links))
	for _, l := range links {
		if seen[l.Token] {
			continue
		}
		ok, err := made(l)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, l)
			seen[l.Token] = true // a token given twice is made once
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return out, nil
}

// linksChunk caps the rows of one INSERT of links; it is a power of two.
const linksChunk = 128

// linksSQL is the INSERT of n personal links; a token already stored is
// skipped.
func linksSQL(n int) string {
	var q strings.Builder
	q.WriteString(`INSERT INTO referrals (token, org, campaign, secret_hash) VALUES `)
	for i := range n {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("(?, ?, ?, ?)")
	}
	q.WriteString(` ON CONFLICT DO NOTHING`)
	return q.String()
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

// Referral finds a personal link by its token and checks the hash of its
// private key.
func (db *DB) Referral(ctx context.Context, token string, secretHash [32]byte) (_ signing.ReferralCount, err error) {
	defer failed(&err, "finding a personal link")
	c := signing.ReferralCount{Token: token}
	var stored []byte
	err = db.r.QueryRowContext(ctx, `SELECT org, campaign, signatures, secret_hash FROM referrals WHERE token = ?`,
		token).Scan(&c.Org, &c.Campaign, &c.Signatures, &stored)
	if errors.Is(err, sql.ErrNoRows) || err == nil && subtle.ConstantTimeCompare(stored, secretHash[:]) != 1 {
		return signing.ReferralCount{}, store.ErrNotFound
	}
	return c, err
}
