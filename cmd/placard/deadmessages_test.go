package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/placard/placard/internal/mail"
	"github.com/placard/placard/internal/outbox"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/pgtest"
)

// TestDeadMessagesExpire: every message the outbox gave up on holds a
// person's data — a dead confirmation its signer's address, a dead letter
// (its decision-maker removed: mail.ErrTargetGone) its supporter's name,
// address and words — and serve's daily round deletes it 30 days after
// its tries ended (outbox.DeadDrop), as it does a dead erasure notice:
// kept (and 'placard outbox list' says until when) before its day,
// deleted after it, with a plain log line per organisation and kind that
// names no address, and no byte of it left in the database's files while
// a waiting message's are (the search reads real data). Failed before:
// the round deleted only erasure notices ("after its day: 2 dead messages
// left"), outbox list showed "-" for their date, and the files kept both
// addresses for good.
func TestDeadMessagesExpire(t *testing.T) {
	for _, e := range []struct {
		name string
		disk func(t *testing.T) (db string, files func(t *testing.T) []string)
	}{{"sqlite", sqliteFiles}, {"postgres", postgresFiles}} {
		t.Run(e.name, func(t *testing.T) {
			ctx := context.Background()
			db, files := e.disk(t)
			st := openForTest(t, db)
			ob := st.(store.Outbox)
			signer, supporter, waiting := rawMarker("signer")+"@example.org", rawMarker("supporter")+"@example.net", rawMarker("waiting")+"@example.org"
			words, waitingWords := rawMarker("words"), rawMarker("waitingwords")
			confirm := signing.Message{ID: signing.NewMessageID(), Kind: signing.MessageEmail, Org: "riverside", Campaign: "trees",
				Email: signer, Payload: []byte(`{"to":"` + signer + `","link":"https://example.org/c/x"}`)}
			letter := signing.Message{ID: signing.NewMessageID(), Kind: signing.MessageEmail, Org: "riverside", Campaign: "trees",
				Email: supporter, Payload: []byte(`{"to":"moss@legislature.example","reply_to":"` + supporter + `","name":"Ada Supporter","body":"` + words + `"}`)}
			later := signing.Message{ID: signing.NewMessageID(), Kind: signing.MessageEmail, Org: "riverside", Campaign: "trees",
				Email: waiting, Payload: []byte(`{"to":"` + waiting + `","body":"` + waitingWords + `"}`),
				NotBefore: time.Now().Add(365 * 24 * time.Hour)}
			made := time.Now()
			if err := ob.Enqueue(ctx, []signing.Message{confirm, letter, later}); err != nil {
				t.Fatal(err)
			}
			es, err := ob.Claim(ctx, "w", 10, time.Hour)
			if err != nil || len(es) != 2 {
				t.Fatalf("Claim: %d, %v", len(es), err)
			}
			for _, e := range es {
				why := "550 no such user"
				if e.ID == letter.ID {
					why = mail.ErrTargetGone.Error()
				}
				if err := ob.Dead(ctx, e.ID, why); err != nil {
					t.Fatal(err)
				}
			}
			drop := outbox.DeadDrop(made)
			out, errs, code := runCLI(t, "outbox", "list", "--status", "dead", "--db", db)
			if want := "deleted " + drop.UTC().Format(time.DateOnly); code != 0 || strings.Count(out, want) != 2 {
				t.Errorf("outbox list does not say when each dead message goes (want %q twice): %d\n%s%s", want, code, out, errs)
			}
			logs := &lockedBuffer{}
			log := slog.New(slog.NewTextHandler(logs, nil))
			dropDeadNotices(ctx, st, drop.Add(-2*time.Hour), log)
			if got := ids(t, ob); len(got) != 3 {
				t.Fatalf("before their day: %d messages left, want all 3", len(got))
			}
			dropDeadNotices(ctx, st, drop.Add(2*time.Hour), log)
			if got := ids(t, ob); len(got) != 1 || got[0] != later.ID {
				t.Errorf("after their day: %v left, want only the waiting message %s", got, later.ID)
			}
			if !strings.Contains(logs.String(), "deleted 2 undelivered emails") || !strings.Contains(logs.String(), "of organisation riverside") {
				t.Errorf("the round did not say plainly what it deleted:\n%s", logs.String())
			}
			for _, a := range []string{signer, supporter, words} {
				if strings.Contains(logs.String(), a) {
					t.Errorf("the log holds %s:\n%s", a, logs.String())
				}
			}
			// A second instance's round on the same database claims nothing.
			again := &lockedBuffer{}
			dropDeadNotices(ctx, st, drop.Add(3*time.Hour), slog.New(slog.NewTextHandler(again, nil)))
			if strings.Contains(again.String(), "deleted") && !strings.Contains(again.String(), "meanwhile") {
				t.Errorf("a later round claims deletions again:\n%s", again.String())
			}
			gone := []string{signer, supporter, words}
			searchRaw(t, "while open", files(t), gone, waitingWords)
			if err := st.Close(); err != nil {
				t.Fatal(err)
			}
			searchRaw(t, "after Close", files(t), gone, waitingWords)
		})
	}
}

// rawMarker is name with random hex around it, which no compression
// hides and no other test writes.
func rawMarker(name string) string {
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b[:6]) + name + hex.EncodeToString(b[6:])
}

// searchRaw fails if any file holds a byte string of gone, or none holds
// kept (then the search would prove nothing).
func searchRaw(t *testing.T, when string, paths []string, gone []string, kept string) {
	t.Helper()
	found := false
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			if os.IsNotExist(err) {
				continue
			}
			t.Fatal(err)
		}
		for _, g := range gone {
			if bytes.Contains(b, []byte(g)) {
				t.Errorf("%s: %s still holds %q", when, p, g)
			}
		}
		found = found || bytes.Contains(b, []byte(kept))
	}
	if !found {
		t.Errorf("%s: no file holds the waiting message's %q: the search reads nothing", when, kept)
	}
}

func sqliteFiles(t *testing.T) (string, func(*testing.T) []string) {
	db := sqliteDB(t)
	return db, func(*testing.T) []string { return []string{db, db + "-wal", db + "-shm"} }
}

// postgresFiles is a database on a cluster of its own whose files the test
// reads after a checkpoint (pg_wal aside, as the engine's wipe tests do:
// docs/security.md says so).
func postgresFiles(t *testing.T) (string, func(*testing.T) []string) {
	c := pgtest.NewFilesCluster(t)
	db := c.Database(t)
	return db, func(t *testing.T) []string {
		c.Checkpoint(t)
		var paths []string
		err := filepath.WalkDir(c.DataDir(), func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && d.Name() == "pg_wal" {
				return filepath.SkipDir
			}
			if d.Type().IsRegular() {
				paths = append(paths, p)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return paths
	}
}
