package main

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/placard/placard/internal/accounts"
	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// retentionSite writes a campaigns folder whose organisation keeps
// signatures 30 days after a campaign closes: "ended" closed on 1 March
// 2026 (due 31 March), "short" closed the same day with its own 7 days
// (due 8 March), and "open" has no close_at.
func retentionSite(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	org := filepath.Join(dir, "keepers")
	if err := os.Mkdir(org, 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"org.yaml": "name: Keepers\nretention: 30d\n",
		"ended.yaml": "title: Ended\nsummary: Closed in March.\ndate: 2026-01-01\nclose_at: 2026-03-01\n" +
			"actions:\n  - kind: petition\n    target: The council\n    text: Please.\n",
		"short.yaml": "title: Short\nsummary: Closed in March, kept a week.\ndate: 2026-01-01\nclose_at: 2026-03-01\nretention: 1w\n" +
			"actions:\n  - kind: petition\n    target: The council\n    text: Please.\n",
		"open.yaml": "title: Open\nsummary: Still open.\ndate: 2026-01-01\n" +
			"actions:\n  - kind: petition\n    target: The council\n    text: Please.\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(org, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func seedRetention(t *testing.T, st store.Store) {
	t.Helper()
	seed(t, st,
		sig("keepers/ended", "Ada", "ada@example.org", signing.KindIndividual),
		sig("keepers/ended", "Grace", "grace@example.org", signing.KindIndividual),
		sig("keepers/short", "Ada", "ada@example.org", signing.KindIndividual),
		sig("keepers/open", "Ada", "ada@example.org", signing.KindIndividual))
}

func countOf(t *testing.T, st store.Store, ref string) (count int, rows int) {
	t.Helper()
	org, slug, _ := strings.Cut(ref, "/")
	cs, err := st.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.Org == org && c.Campaign == slug {
			count = c.Signatures
		}
	}
	err = st.Signatures(context.Background(), org, slug, "", func(*signing.Signature) error { rows++; return nil })
	if err != nil {
		t.Fatal(err)
	}
	return count, rows
}

// TestSignaturesPurge: `signatures purge` erases the signatures of the
// campaigns whose retention after close_at has run out by the (injected)
// date, keeps their counts, and --dry-run only lists them.
func TestSignaturesPurge(t *testing.T) {
	for _, e := range engines() {
		t.Run(e.name, func(t *testing.T) {
			dir, db := retentionSite(t), e.db(t)
			st := openForTest(t, db)
			seedRetention(t, st)
			t.Cleanup(func() { purgeNow = time.Now })
			run := func(day string, args ...string) (string, string, int) {
				at, _ := time.Parse(time.DateOnly, day)
				purgeNow = func() time.Time { return at.Add(12 * time.Hour) }
				return runCLI(t, append([]string{"signatures", "purge", "--campaigns", dir, "--db", db}, args...)...)
			}
			if out, errs, code := run("2026-03-05"); code != 0 || out != "No campaign has signatures past its retention.\n" {
				t.Errorf("purge before any is due: got exit %d, %q, %q", code, out, errs)
			}
			out, errs, code := run("2026-04-02", "--dry-run")
			want := "Would erase 2 signatures of keepers/ended (retention ran out on 2026-03-31); its counts stay.\n" +
				"Would erase 1 signature of keepers/short (retention ran out on 2026-03-08); its counts stay.\n" +
				"Would erase 3 signatures in all.\n"
			if code != 0 || out != want {
				t.Errorf("purge --dry-run: got exit %d, stdout %q, stderr %q; want %q", code, out, errs, want)
			}
			if n, rows := countOf(t, st, "keepers/ended"); n != 2 || rows != 2 {
				t.Errorf("after --dry-run: got count %d with %d rows, want 2 and 2", n, rows)
			}
			out, errs, code = run("2026-03-10")
			if code != 0 || out != "Erased 1 signature of keepers/short (retention ran out on 2026-03-08); its counts stay.\n" {
				t.Errorf("purge on 10 March: got exit %d, stdout %q, stderr %q", code, out, errs)
			}
			out, errs, code = run("2026-04-02")
			if code != 0 || out != "Erased 2 signatures of keepers/ended (retention ran out on 2026-03-31); its counts stay.\n" {
				t.Errorf("purge on 2 April: got exit %d, stdout %q, stderr %q", code, out, errs)
			}
			for ref, want := range map[string][2]int{"keepers/ended": {2, 0}, "keepers/short": {1, 0}, "keepers/open": {1, 1}} {
				if n, rows := countOf(t, st, ref); n != want[0] || rows != want[1] {
					t.Errorf("%s after purge: got count %d with %d rows, want %d and %d", ref, n, rows, want[0], want[1])
				}
			}
			if out, _, code := run("2027-01-01"); code != 0 || out != "No campaign has signatures past its retention.\n" {
				t.Errorf("purge again: got exit %d, %q", code, out)
			}
		})
	}
}

// TestPurgeLoop is serve's daily purge with an injected clock and ticks:
// it purges at start, does nothing until a tick finds a campaign due, and
// stops with its context. Each round first flushes the credits the server
// holds (before the purge, so none is written after it), and a failing
// flush does not stop the purge.
func TestPurgeLoop(t *testing.T) {
	for _, e := range engines() {
		t.Run(e.name, func(t *testing.T) {
			dir, db := retentionSite(t), e.db(t)
			st := openForTest(t, db)
			seedRetention(t, st)
			site, problems := campaign.Load(dir)
			if problems.HasErrors() {
				t.Fatal(problems)
			}
			// Console sessions: one ended before the first round, one
			// live on 20 March and ended by 1 April.
			a := st.(store.Accounts)
			org := accounts.Organiser{Org: "keepers", Email: "sam@example.org", Role: accounts.RoleEditor}
			if err := a.AddOrganiser(context.Background(), &org); err != nil {
				t.Fatal(err)
			}
			_, ended := accounts.NewSecret()
			_, live := accounts.NewSecret()
			for _, x := range []accounts.Session{
				{Hash: ended, OrganiserID: org.ID, CreatedAt: time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC), LastSeen: time.Date(2026, 3, 9, 1, 0, 0, 0, time.UTC)},
				{Hash: live, OrganiserID: org.ID, CreatedAt: time.Date(2026, 3, 20, 2, 0, 0, 0, time.UTC), LastSeen: time.Date(2026, 3, 20, 2, 30, 0, 0, time.UTC)},
			} {
				if err := a.AddSession(context.Background(), x); err != nil {
					t.Fatal(err)
				}
			}
			sessionLeft := func(h [32]byte) bool {
				_, err := a.Session(context.Background(), h)
				if err != nil && !errors.Is(err, store.ErrNotFound) {
					t.Fatal(err)
				}
				return err == nil
			}
			// The loop reads the clock at the start of each round and takes
			// a tick only once the round is done, so each send below waits
			// for the loop to get there: no sleeping, no timing.
			day, tick := make(chan time.Time), make(chan time.Time)
			ctx, cancel := context.WithCancel(context.Background())
			at := func() time.Time {
				select {
				case d := <-day:
					return d
				case <-ctx.Done():
					return time.Time{}
				}
			}
			// Each round's flush reports what keepers/short held then.
			flushed := make(chan int)
			flush := func(context.Context) error {
				_, rows := countOf(t, st, "keepers/short")
				select {
				case flushed <- rows:
				case <-ctx.Done():
				}
				return errors.New("the store is away")
			}
			stopped := make(chan struct{})
			go func() {
				purgeLoop(ctx, st, func() *campaign.Site { return site }, at, tick, flush, slog.New(slog.DiscardHandler))
				close(stopped)
			}()
			round := func(d time.Time) (flushedBeside int) {
				flushedBeside = <-flushed
				day <- d
				tick <- time.Time{}
				return flushedBeside
			}
			if rows := round(time.Date(2026, 3, 10, 3, 0, 0, 0, time.UTC)); rows != 1 { // at start: short is due
				t.Errorf("keepers/short when the first round flushed: %d rows, want 1 (the flush comes before the purge)", rows)
			}
			if _, rows := countOf(t, st, "keepers/short"); rows != 0 {
				t.Errorf("keepers/short after the first round: %d rows, want 0", rows)
			}
			if _, rows := countOf(t, st, "keepers/ended"); rows != 2 {
				t.Errorf("keepers/ended before it is due: %d rows, want 2", rows)
			}
			if sessionLeft(ended) || !sessionLeft(live) {
				t.Errorf("sessions after the first round: ended one kept %v, live one kept %v; want only the live one", sessionLeft(ended), sessionLeft(live))
			}
			round(time.Date(2026, 3, 20, 3, 0, 0, 0, time.UTC)) // nothing due
			if !sessionLeft(live) {
				t.Errorf("a session used half an hour ago was deleted by the 20 March round")
			}
			if _, rows := countOf(t, st, "keepers/ended"); rows != 2 {
				t.Errorf("keepers/ended on 20 March: %d rows, want 2", rows)
			}
			round(time.Date(2026, 4, 1, 3, 0, 0, 0, time.UTC)) // ended is due
			if n, rows := countOf(t, st, "keepers/ended"); n != 2 || rows != 0 {
				t.Errorf("keepers/ended on 1 April: count %d with %d rows, want 2 and 0", n, rows)
			}
			if sessionLeft(live) {
				t.Errorf("a session ended on 20 March is still stored on 1 April")
			}
			cancel()
			<-stopped
		})
	}
}

// TestServePurges: placard serve applies the retention rule on its own —
// at start, then daily — erasing the signatures of campaigns whose
// retention ran out (here long ago) and keeping their counts, which the
// page still shows.
func TestServePurges(t *testing.T) {
	for _, e := range engines() {
		t.Run(e.name, func(t *testing.T) {
			dir, db := retentionSite(t), e.db(t)
			st := openForTest(t, db)
			seedRetention(t, st)
			base, logs := startSigningServe(t, dir, db)
			// The log line comes once the purge has finished, wipe
			// included; the rows are gone a little before it.
			waitFor(t, func() string { return "serve did not purge keepers/ended; logs:\n" + logs.String() }, func() bool {
				_, rows := countOf(t, st, "keepers/ended")
				return rows == 0 && strings.Contains(logs.String(), "retention: erased")
			})
			if n, _ := countOf(t, st, "keepers/ended"); n != 2 {
				t.Errorf("keepers/ended count after serve purged it: got %d, want 2", n)
			}
			if _, rows := countOf(t, st, "keepers/open"); rows != 1 {
				t.Errorf("keepers/open (no close_at) after serve started: %d rows, want 1", rows)
			}
			if !strings.Contains(logs.String(), "retention: erased") {
				t.Errorf("serve did not log the purge:\n%s", logs.String())
			}
			if strings.Contains(logs.String(), "ada@example.org") {
				t.Errorf("serve logged a signer's address:\n%s", logs.String())
			}
			eventually(t, "the page shows the kept count", func() bool {
				_, body := getPage(t, base+"/keepers/ended")
				return strings.Contains(body, "2 people")
			})
		})
	}
}

// TestSignaturesPurgeFollowsRename: signatures still under a renamed
// campaign's old name (org.yaml redirects it) are moved to the new name
// before `signatures purge` looks for what is due, as serve's own purge
// does, so the retention of the campaign they belong to reaches them.
// Failed before: the command left them under the old name, past every
// retention.
func TestSignaturesPurgeFollowsRename(t *testing.T) {
	for _, e := range engines() {
		t.Run(e.name, func(t *testing.T) {
			dir, db := retentionSite(t), e.db(t)
			orgYAML := filepath.Join(dir, "keepers", "org.yaml")
			if err := os.WriteFile(orgYAML, []byte("name: Keepers\nretention: 30d\nredirects:\n  old-ended: ended\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			st := openForTest(t, db)
			seed(t, st, sig("keepers/old-ended", "Ada", "ada@example.org", signing.KindIndividual),
				sig("keepers/old-ended", "Grace", "grace@example.org", signing.KindIndividual))
			t.Cleanup(func() { purgeNow = time.Now })
			at, _ := time.Parse(time.DateOnly, "2026-04-02")
			purgeNow = func() time.Time { return at.Add(12 * time.Hour) }
			out, errs, code := runCLI(t, "signatures", "purge", "--campaigns", dir, "--db", db)
			want := "Erased 2 signatures of keepers/ended (retention ran out on 2026-03-31); its counts stay.\n"
			if code != 0 || out != want {
				t.Errorf("purge: got exit %d, stdout %q, stderr %q; want %q", code, out, errs, want)
			}
			if _, rows := countOf(t, st, "keepers/old-ended"); rows != 0 {
				t.Errorf("%d signatures left under the old name, past every retention", rows)
			}
		})
	}
}
