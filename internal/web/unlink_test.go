package web

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/placard/placard/internal/attribution"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store/postgres"
	"github.com/placard/placard/internal/store/postgres/migratedtest"
)

// TestSignersUnlinkablePostgres: signers who follow each other's personal
// links, each getting a link of their own, leave nothing in PostgreSQL that
// ties a signature to the link it was given or to the link it credited. No
// signature row shares a transaction id (xmin) with a referrals or sources
// row, and the links' physical order (ctid) is not the order in which the
// signers received them. Every count still arrives.
func TestSignersUnlinkablePostgres(t *testing.T) {
	dsn := migratedtest.DSN(t)
	ctx := context.Background()
	db, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("opening PostgreSQL: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	e := newSignEnv(t, db, nil)

	// A chain: each signer follows the link the previous one was given.
	const n = 24
	var handed []string // links in the order the signers received them
	page := libraryPage + "?src=whatsapp"
	for i := range n {
		res := e.signVia(t, page, fmt.Sprintf("chain%02d@example.org", i))
		wantStatus(t, res, 303)
		d := doc(t, get(t, e.s, "GET", res.Header.Get("Location"), nil))
		personal := d.Find("#personal-link").AttrOr("value", "")
		token := personal[strings.LastIndex(personal, "=")+1:]
		if !attribution.ValidToken(token) {
			t.Fatalf("signer %d: personal link %q", i, personal)
		}
		handed = append(handed, token)
		page = libraryPage + "?ref=" + token
	}
	flushAllCredits(t, e.s)

	// Every count arrived: each link but the last brought one signature.
	for i, tok := range handed[:n-1] {
		top, err := db.Referrals(ctx, "riverside", "save-the-library", n)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(top, signing.ReferralCount{Org: "riverside", Campaign: "save-the-library", Token: tok, Signatures: 1}) {
			t.Fatalf("link %d (%s) was not credited once: referrals %+v", i, tok, top)
		}
	}
	wantSources(t, db, "save-the-library",
		signing.SourceCount{Source: "personal", Arrivals: n - 1, Signatures: n - 1},
		signing.SourceCount{Source: "whatsapp", Arrivals: 1, Signatures: 1})

	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, table := range []string{"referrals", "sources"} {
		var shared int
		if err := conn.QueryRow(ctx, `SELECT count(*) FROM signatures s JOIN `+table+` r
			ON s.xmin::text = r.xmin::text`).Scan(&shared); err != nil {
			t.Fatal(err)
		}
		if shared != 0 {
			t.Errorf("%d signature rows share their transaction id (xmin) with a %s row", shared, table)
		}
	}
	rows, err := conn.Query(ctx, `SELECT token FROM referrals ORDER BY ctid`)
	if err != nil {
		t.Fatal(err)
	}
	physical, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	var ranks []int
	for _, tok := range handed {
		ranks = append(ranks, slices.Index(physical, tok))
	}
	// In signing order every step would go up (n-1 ascents); in an order
	// unrelated to it about half do (mean 11.5, standard deviation 1.4 for
	// n = 24). 19 or more is five standard deviations out.
	ascents := 0
	for i := 1; i < n; i++ {
		if ranks[i] > ranks[i-1] {
			ascents++
		}
	}
	if ascents >= 19 {
		t.Errorf("the links lie nearly in the order their signers received them: %d of %d steps ascend (ctid ranks %v)", ascents, n-1, ranks)
	}
}

// flushAllCredits stores every count still held in memory.
func flushAllCredits(t *testing.T, s *Server) {
	t.Helper()
	if err := s.FlushArrivals(context.Background()); err != nil {
		t.Fatalf("FlushArrivals: %v", err)
	}
	if err := s.flushCredits(context.Background(), true); err != nil {
		t.Fatalf("flushCredits: %v", err)
	}
}
