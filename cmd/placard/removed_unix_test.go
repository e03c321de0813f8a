//go:build unix

package main

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// hup sends the test process SIGHUP: serve, run in process, reloads.
func hup(t *testing.T) {
	t.Helper()
	p, err := os.FindProcess(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
}

// pageBody returns the status and body of GET u.
func pageBody(t *testing.T, u string) (int, string) {
	t.Helper()
	res, err := noRedirects.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, string(b)
}

// TestRemovedCampaignNotAdopted: an organiser deletes a petition's file,
// and later writes a different petition under the same name. The new
// page starts from nothing — no count, and none of the old signers'
// names — while the old signatures stand apart under
// light-the-path~removed-<day>, which the log, the export and `purge
// --dry-run` name, and which `signatures move` brings back when it is
// the same campaign after all. It failed before removals were recorded:
// the new petition counted 2 and listed Ann Old, who never signed it.
func TestRemovedCampaignNotAdopted(t *testing.T) {
	for _, e := range engines() {
		t.Run(e.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "campaigns")
			if err := os.CopyFS(dir, os.DirFS(signingCampaigns)); err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(dir, "bay-runners", "light-the-path.yaml")
			old, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			db := e.db(t)
			base, logs := startSigningServe(t, dir, db)
			sign := func(name, email string) {
				t.Helper()
				f := loadForm(t, base, petitionRef)
				wantSigned(t, base, f, f.with(map[string]string{
					"name": name, "email": email, "postcode": "BA1 1AA", "consent": "yes", "public": "yes",
				}), petitionRef, "signed")
			}
			sign("Ann Old", "ann@example.org")
			sign("Bob Old", "bob@example.org")
			eventually(t, "the petition never counted its 2 signatures", func() bool {
				return shownCount(t, base+"/"+petitionRef, "petition") == 2
			})

			// The file is deleted: the page goes, the removal is recorded.
			if err := os.Remove(file); err != nil {
				t.Fatal(err)
			}
			hup(t)
			eventually(t, "the removed petition's page never went:\n"+logs.String(), func() bool {
				code, _ := pageBody(t, base+"/"+petitionRef)
				return code == http.StatusNotFound
			})
			eventually(t, "the removal was never logged:\n"+logs.String(), func() bool {
				return strings.Contains(logs.String(), "campaign removed")
			})

			// A different petition is given the same name.
			other := strings.Replace(string(old), "title:", "title: Keep the pool open —", 1)
			if err := os.WriteFile(file, []byte(other), 0o644); err != nil {
				t.Fatal(err)
			}
			hup(t)
			eventually(t, "the new petition never served:\n"+logs.String(), func() bool {
				code, body := pageBody(t, base+"/"+petitionRef)
				return code == http.StatusOK && strings.Contains(body, "Keep the pool open")
			})
			if n := shownCount(t, base+"/"+petitionRef, "petition"); n != 0 {
				t.Errorf("the new petition shows %d signatures, want 0: they signed the removed one", n)
			}
			if _, body := pageBody(t, base+"/"+petitionRef); strings.Contains(body, "Ann Old") || strings.Contains(body, "Bob Old") {
				t.Errorf("the new petition lists the removed one's signers")
			}
			kept := store.KeptApartName("light-the-path", time.Now(), 1)
			keptRef := "bay-runners/" + kept
			if l := logs.String(); !strings.Contains(l, "kept apart as "+keptRef) ||
				!strings.Contains(l, "placard signatures move bay-runners "+kept+" light-the-path") || strings.Contains(l, "@example.org") {
				t.Errorf("want the log to say where the 2 signatures are kept and how to move them back, with no address:\n%s", l)
			}
			sign("Cid New", "cid@example.org")
			sign("Ann New", "ann@example.org") // ann may sign the new one too
			eventually(t, "the new petition never counted its 2 own signatures", func() bool {
				return shownCount(t, base+"/"+petitionRef, "petition") == 2
			})
			names := func(ref string) []string {
				var out []string
				for _, r := range exportCSV(t, db, ref) {
					out = append(out, r["name"])
				}
				slices.Sort(out)
				return out
			}
			if got := names(petitionRef); !slices.Equal(got, []string{"Ann New", "Cid New"}) {
				t.Errorf("export of the new petition: %v, want its own 2 signers", got)
			}
			if got := names(keptRef); !slices.Equal(got, []string{"Ann Old", "Bob Old"}) {
				t.Errorf("export of %s: %v, want the removed petition's 2 signers", keptRef, got)
			}
			out, errs, code := runCLI(t, "signatures", "purge", "--dry-run", "--campaigns", dir, "--db", db)
			if code != 0 || !strings.Contains(out, keptRef+": 2 signatures") {
				t.Errorf("purge --dry-run: exit %d, want the kept-apart signatures listed\n%s%s", code, out, errs)
			}

			// It was the same campaign after all: moved back, ann once.
			out, errs, code = runCLI(t, "signatures", "move", "bay-runners", kept, "light-the-path", "--campaigns", dir, "--db", db)
			if code != 0 {
				t.Fatalf("signatures move %s: exit %d\n%s%s", kept, code, out, errs)
			}
			eventually(t, "the page never counted the moved-back signatures", func() bool {
				return shownCount(t, base+"/"+petitionRef, "petition") == 3
			})
		})
	}
}

// removedRecords lists the removed campaigns recorded in st.
func removedRecords(t *testing.T, st store.Store) []store.RemovedCampaign {
	t.Helper()
	rs, err := st.(store.Removals).RemovedCampaigns(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// TestRemovedWhileStopped: a petition's file is removed while serve is
// stopped; the next start records it, with its organisation's 30 days.
// Its name is given to a new petition while stopped again; the next
// start keeps the old signatures apart before it listens, the new page
// counts none of them, and 30 days after the removal the retention purge
// erases them (by their kept-apart name only) and keeps their counts.
// It failed before: the start recorded nothing, the new petition counted
// 2, and no purge ever reached the removed petition's signatures.
func TestRemovedWhileStopped(t *testing.T) {
	for _, e := range engines() {
		t.Run(e.name, func(t *testing.T) {
			dir, db := retentionSite(t), e.db(t)
			st := openForTest(t, db)
			seed(t, st,
				sig("keepers/gone", "Ada", "ada@example.org", signing.KindIndividual),
				sig("keepers/gone", "Grace", "grace@example.org", signing.KindIndividual),
				sig("keepers/open", "Ada", "ada@example.org", signing.KindIndividual))
			_, logs, stop := runServeStop(t, nil, "--campaigns", dir, "--db", db)
			stop()
			recs := removedRecords(t, st)
			if len(recs) != 1 || recs[0].Name != "gone" || recs[0].RetentionDays != 30 || recs[0].Signatures != 2 {
				t.Fatalf("after a start without gone.yaml: records %+v, want keepers/gone with 30 days and 2 signatures\n%s", recs, logs.String())
			}
			if !strings.Contains(logs.String(), "campaign removed") {
				t.Errorf("the removal was not logged:\n%s", logs.String())
			}
			removedAt := recs[0].RemovedAt

			petition := "title: Gone again\nsummary: A new petition.\ndate: 2026-01-01\n" +
				"actions:\n  - kind: petition\n    target: The council\n    text: Please.\n"
			if err := os.WriteFile(filepath.Join(dir, "keepers", "gone.yaml"), []byte(petition), 0o644); err != nil {
				t.Fatal(err)
			}
			base, logs, _ := runServeStop(t, nil, "--campaigns", dir, "--db", db)
			kept := store.KeptApartName("gone", removedAt, 1)
			if !strings.Contains(logs.String(), "kept apart as keepers/"+kept) {
				t.Errorf("the start did not say where the removed petition's signatures are kept:\n%s", logs.String())
			}
			if n := shownCount(t, base+"/keepers/gone", "petition"); n != 0 {
				t.Errorf("the new petition shows %d signatures, want 0", n)
			}
			seed(t, st, sig("keepers/gone", "Lin", "lin@example.org", signing.KindIndividual))

			t.Cleanup(func() { purgeNow = time.Now })
			purgeNow = func() time.Time { return removedAt.AddDate(0, 0, 31) }
			out, errs, code := runCLI(t, "signatures", "purge", "--dry-run", "--campaigns", dir, "--db", db)
			if code != 0 || !strings.Contains(out, "Would erase 2 signatures of the removed campaign keepers/gone, kept apart as keepers/"+kept) {
				t.Errorf("purge --dry-run a month after the removal: exit %d\n%s%s", code, out, errs)
			}
			out, errs, code = runCLI(t, "signatures", "purge", "--campaigns", dir, "--db", db)
			if code != 0 || !strings.Contains(out, "Erased 2 signatures of the removed campaign keepers/gone") {
				t.Errorf("purge a month after the removal: exit %d\n%s%s", code, out, errs)
			}
			if n, rows := countOf(t, st, "keepers/"+kept); n != 2 || rows != 0 {
				t.Errorf("the kept-apart petition after the purge: count %d with %d rows, want 2 and 0", n, rows)
			}
			if n, rows := countOf(t, st, "keepers/gone"); n != 1 || rows != 1 {
				t.Errorf("the new petition after the purge: count %d with %d rows, want its 1 signature untouched", n, rows)
			}
		})
	}
}

// TestBrokenFileNotRemoved: a campaign file that does not load is not a
// removed one. A reload refused for a syntax error records nothing, nor
// does a --dev start that serves nothing because of one; the live
// petition keeps its signatures.
func TestBrokenFileNotRemoved(t *testing.T) {
	for _, e := range engines() {
		t.Run(e.name, func(t *testing.T) {
			dir, db := retentionSite(t), e.db(t)
			st := openForTest(t, db)
			seed(t, st, sig("keepers/open", "Ada", "ada@example.org", signing.KindIndividual))
			file := filepath.Join(dir, "keepers", "open.yaml")
			good, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			_, logs, stop := runServeStop(t, nil, "--campaigns", dir, "--db", db)
			if err := os.WriteFile(file, append(good, "  - kind: [unclosed\n"...), 0o644); err != nil {
				t.Fatal(err)
			}
			hup(t)
			eventually(t, "the broken reload was never refused:\n"+logs.String(), func() bool {
				return strings.Contains(logs.String(), "reload refused")
			})
			stop()
			if recs := removedRecords(t, st); len(recs) != 0 {
				t.Errorf("after a refused reload: %+v, want no removed campaign", recs)
			}
			_, logs, stop = runServeStop(t, nil, "--campaigns", dir, "--db", db, "--dev")
			stop()
			if recs := removedRecords(t, st); len(recs) != 0 {
				t.Errorf("after a --dev start with a broken file: %+v, want no removed campaign\n%s", recs, logs.String())
			}
			if err := os.WriteFile(file, good, 0o644); err != nil {
				t.Fatal(err)
			}
			base, _, _ := runServeStop(t, nil, "--campaigns", dir, "--db", db)
			if n := shownCount(t, base+"/keepers/open", "petition"); n != 1 {
				t.Errorf("the petition shows %d signatures, want its 1", n)
			}
		})
	}
}

// TestRenameOntoRemovedName: a petition was removed; while serve is
// stopped, another petition is renamed to the removed one's name (its
// file renamed, a redirect written). The next start keeps the removed
// petition's signatures apart first and then brings the renamed one's
// under the name, so the page shows its own 1 signature. Moving first
// and keeping apart after, as the first version did, took the renamed
// petition's signatures away with the removed one's: 0 shown.
func TestRenameOntoRemovedName(t *testing.T) {
	for _, e := range engines() {
		t.Run(e.name, func(t *testing.T) {
			dir, db := retentionSite(t), e.db(t)
			st := openForTest(t, db)
			seed(t, st,
				sig("keepers/gone", "Ada", "ada@example.org", signing.KindIndividual),
				sig("keepers/gone", "Grace", "grace@example.org", signing.KindIndividual),
				sig("keepers/open", "Lin", "lin@example.org", signing.KindIndividual))
			_, _, stop := runServeStop(t, nil, "--campaigns", dir, "--db", db)
			stop()
			org := filepath.Join(dir, "keepers")
			if err := os.Rename(filepath.Join(org, "open.yaml"), filepath.Join(org, "gone.yaml")); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(org, "org.yaml"), []byte("name: Keepers\nretention: 30d\nredirects:\n  open: gone\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			base, logs, _ := runServeStop(t, nil, "--campaigns", dir, "--db", db)
			if n := shownCount(t, base+"/keepers/gone", "petition"); n != 1 {
				t.Errorf("the renamed petition shows %d signatures, want its own 1\n%s", n, logs.String())
			}
			recs := removedRecords(t, st)
			if len(recs) != 1 || recs[0].Signatures != 2 || !store.IsKeptApart(recs[0].Name) {
				t.Errorf("removed campaigns: %+v, want the removed petition's 2 signatures kept apart", recs)
			}
		})
	}
}

// TestSameCampaignBackAfterReload: a petition's file is missing for one
// reload (a checkout unlinking and re-creating it, a hand mv away and
// back, a rollback) and comes back as it was. It is the same campaign:
// it keeps its signatures, count and public signers, and its removal
// record is dropped. It failed before: the return moved its 2 signatures
// aside to light-the-path~removed-<day> and the page showed 0.
func TestSameCampaignBackAfterReload(t *testing.T) {
	for _, e := range engines() {
		t.Run(e.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "campaigns")
			if err := os.CopyFS(dir, os.DirFS(signingCampaigns)); err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(dir, "bay-runners", "light-the-path.yaml")
			aside := filepath.Join(t.TempDir(), "light-the-path.yaml")
			db := e.db(t)
			base, logs := startSigningServe(t, dir, db)
			for _, who := range [][2]string{{"Ann Old", "ann@example.org"}, {"Bob Old", "bob@example.org"}} {
				f := loadForm(t, base, petitionRef)
				wantSigned(t, base, f, f.with(map[string]string{
					"name": who[0], "email": who[1], "postcode": "BA1 1AA", "consent": "yes", "public": "yes",
				}), petitionRef, "signed")
			}
			eventually(t, "the petition never counted its 2 signatures", func() bool {
				return shownCount(t, base+"/"+petitionRef, "petition") == 2
			})

			// Gone for one reload: recorded removed.
			if err := os.Rename(file, aside); err != nil {
				t.Fatal(err)
			}
			hup(t)
			eventually(t, "the removal was never logged:\n"+logs.String(), func() bool {
				return strings.Contains(logs.String(), "campaign removed")
			})
			// Back as it was.
			if err := os.Rename(aside, file); err != nil {
				t.Fatal(err)
			}
			hup(t)
			eventually(t, "the petition's return was never logged:\n"+logs.String(), func() bool {
				return strings.Contains(logs.String(), "campaign bay-runners/light-the-path is back; its 2 signatures stay with it")
			})
			eventually(t, "the petition never served again:\n"+logs.String(), func() bool {
				code, _ := pageBody(t, base+"/"+petitionRef)
				return code == http.StatusOK
			})
			if n := shownCount(t, base+"/"+petitionRef, "petition"); n != 2 {
				t.Errorf("the petition back as it was shows %d signatures, want its 2", n)
			}
			if _, body := pageBody(t, base+"/"+petitionRef); !strings.Contains(body, "Ann Old") {
				t.Errorf("the petition back as it was no longer lists its public signers")
			}
			if l := logs.String(); strings.Contains(l, "kept apart as") {
				t.Errorf("the same petition's signatures were kept apart:\n%s", l)
			}
			if recs := removedRecords(t, openForTest(t, db)); len(recs) != 0 {
				t.Errorf("removal records after the petition came back: %+v, want none", recs)
			}
		})
	}
}
