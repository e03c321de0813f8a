package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store/storetest"
)

// rowsRead runs Earlier's statement for m under EXPLAIN ANALYZE and
// returns the rows its scans read: those they returned and those their
// filters removed, summed over the plan.
func rowsRead(t *testing.T, db *DB, m signing.Message) int {
	t.Helper()
	var plan []byte
	if err := db.pool.QueryRow(context.Background(), `EXPLAIN (ANALYZE, FORMAT JSON) `+earlierSQL,
		earlierArgs(m)...).Scan(&plan); err != nil {
		t.Fatal(err)
	}
	var doc []struct{ Plan map[string]any }
	if err := json.Unmarshal(plan, &doc); err != nil || len(doc) != 1 {
		t.Fatalf("reading the plan %s: %v", plan, err)
	}
	var sum func(n map[string]any) int
	sum = func(n map[string]any) int {
		rows := 0
		if strings.HasSuffix(fmt.Sprint(n["Node Type"]), "Scan") {
			loops, _ := n["Actual Loops"].(float64)
			got, _ := n["Actual Rows"].(float64)
			removed, _ := n["Rows Removed by Filter"].(float64)
			rows += int((got + removed) * max(loops, 1))
		}
		kids, _ := n["Plans"].([]any)
		for _, k := range kids {
			rows += sum(k.(map[string]any))
		}
		return rows
	}
	return sum(doc[0].Plan)
}

// TestEarlierReadsOnlyThePersonsMessages: what Earlier reads before a
// webhook or Action Network attempt does not grow with the outbox (the
// SQLite engine's test of the same name says why). Failed before:
// Earlier read every row of the outbox (a sequential scan) when it found
// nothing earlier, as for most of a backlog: 5,001 rows with 5,000 other
// messages waiting (now a handful, through outbox_person).
func TestEarlierReadsOnlyThePersonsMessages(t *testing.T) {
	ctx := context.Background()
	db := openDB(ctx, t, migratedDSN(t))
	msg := func(email string) signing.Message {
		m := storetest.Msg("o", "c", email)
		m.Payload = []byte(`{"email":"` + email + `","pad":"` + strings.Repeat("x", 600) + `"}`)
		return m
	}
	first := msg("ana@example.org")
	if err := db.Enqueue(ctx, []signing.Message{first}); err != nil {
		t.Fatal(err)
	}
	others := make([]signing.Message, 5000)
	for i := range others {
		others[i] = msg(fmt.Sprintf("b%d@example.org", i))
	}
	if err := db.Enqueue(ctx, others); err != nil {
		t.Fatal(err)
	}
	if _, err := db.pool.Exec(ctx, `ANALYZE outbox`); err != nil {
		t.Fatal(err)
	}
	later := msg("ana@example.org")
	nobody := msg("nobody@example.org")
	if ok, err := db.Earlier(ctx, later); err != nil || !ok {
		t.Fatalf("Earlier for ana's later message: %v, %v; want her first found", ok, err)
	}
	if ok, err := db.Earlier(ctx, nobody); err != nil || ok {
		t.Fatalf("Earlier for a person with nothing waiting: %v, %v; want false", ok, err)
	}
	for _, m := range []signing.Message{later, nobody} {
		if n := rowsRead(t, db, m); n > 10 {
			t.Errorf("Earlier for %s read %d rows with 5,001 messages waiting: want only the person's own few", m.Email, n)
		}
	}
}

// TestEarlierFindsBundlesByIndex: Earlier's look into the bundles (for
// one being taken apart by another instance) reads, through
// outbox_bundles_persons (migration 047), only the bundles naming the
// person, however many wait. Failed before: it searched every bundle's
// bytes for the address — a sequential scan reading all 3,001 bundles
// (and found da@ inside ada@).
func TestEarlierFindsBundlesByIndex(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, migratedDSN(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var sigs []*signing.Signature
	for i := range 3000 {
		email := fmt.Sprintf("b%d@example.org", i)
		s := storetest.Sig("o", "c", email)
		s.Outbox = []signing.Message{storetest.Msg("o", "c", email)}
		sigs = append(sigs, s)
	}
	ada := storetest.Sig("o", "c", "ada@example.org")
	ada.Outbox = []signing.Message{storetest.Msg("o", "c", "ada@example.org")}
	// One bundle per signature, as many small batches leave them.
	for _, s := range append(sigs, ada) {
		if _, err := db.AddSignatures(ctx, []*signing.Signature{s}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.pool.Exec(ctx, `ANALYZE outbox_bundles`); err != nil {
		t.Fatal(err)
	}
	later, stranger := storetest.Msg("o", "c", "ada@example.org"), storetest.Msg("o", "c", "da@example.org")
	if ok, err := db.Earlier(ctx, later); err != nil || !ok {
		t.Fatalf("Earlier for ada's later message with her first still bundled: %v, %v; want true", ok, err)
	}
	if ok, err := db.Earlier(ctx, stranger); err != nil || ok {
		t.Fatalf("Earlier for da@, with only ada@'s bundle naming anything like it: %v, %v; want false", ok, err)
	}
	for _, m := range []signing.Message{later, stranger} {
		if n := rowsRead(t, db, m); n > 10 {
			t.Errorf("Earlier for %s read %d rows with 3,001 bundles waiting: want only the bundles naming the person", m.Email, n)
		}
		rows, err := db.pool.Query(ctx, `EXPLAIN `+earlierSQL, earlierArgs(m)...)
		if err != nil {
			t.Fatal(err)
		}
		lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		plan := strings.Join(lines, "\n")
		if !strings.Contains(plan, "outbox_bundles_persons") || strings.Contains(plan, "Seq Scan on outbox_bundles") {
			t.Errorf("Earlier's plan does not look bundles up through outbox_bundles_persons:\n%s", plan)
		}
	}
}
