//go:build unix

package main

import (
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// TestRenamedCampaignKeepsSignatures: an organiser merges two petitions,
// deleting one's file and writing a redirect from its name to the other,
// as the guide says for a rename. After SIGHUP the remaining page counts
// every signature of both, someone who signed both counts once (their
// first signature kept), the export by the new name finds them all and
// the old name holds nothing. It failed before the store moved the rows:
// the signatures stayed under the old name, counted nowhere.
func TestRenamedCampaignKeepsSignatures(t *testing.T) {
	for _, e := range engines() {
		t.Run(e.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "campaigns")
			if err := os.CopyFS(dir, os.DirFS(signingCampaigns)); err != nil {
				t.Fatal(err)
			}
			org := filepath.Join(dir, "bay-runners")
			oldFile, newFile := filepath.Join(org, "light-the-path.yaml"), filepath.Join(org, "light-the-way.yaml")
			b, err := os.ReadFile(oldFile)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(newFile, b, 0o644); err != nil {
				t.Fatal(err)
			}
			db := e.db(t)
			base, logs := startSigningServe(t, dir, db)
			const newRef = "bay-runners/light-the-way"
			sign := func(ref, name, email, postcode string) {
				t.Helper()
				f := loadForm(t, base, ref)
				wantSigned(t, base, f, f.with(map[string]string{
					"name": name, "email": email, "postcode": postcode, "consent": "yes",
				}), ref, "signed")
			}
			sign(petitionRef, "Ann Old", "ann@example.org", "OLD 1")
			sign(petitionRef, "Bob Old", "bob@example.org", "OLD 2")
			sign(newRef, "Ann New", "ann@example.org", "NEW 1")
			sign(newRef, "Cid New", "cid@example.org", "NEW 2")

			if err := os.Remove(oldFile); err != nil {
				t.Fatal(err)
			}
			yaml, err := os.ReadFile(filepath.Join(org, "org.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			yaml = append(yaml, "redirects:\n  light-the-path: light-the-way\n"...)
			if err := os.WriteFile(filepath.Join(org, "org.yaml"), yaml, 0o644); err != nil {
				t.Fatal(err)
			}
			p, err := os.FindProcess(os.Getpid())
			if err != nil {
				t.Fatal(err)
			}
			if err := p.Signal(syscall.SIGHUP); err != nil {
				t.Fatal(err)
			}
			eventually(t, "the old address never redirected:\n"+logs.String(), func() bool {
				res, err := noRedirects.Get(base + "/" + petitionRef)
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				return res.StatusCode == http.StatusMovedPermanently || res.StatusCode == http.StatusPermanentRedirect
			})
			eventually(t, "the page never counted the moved signatures:\n"+logs.String(), func() bool {
				return shownCount(t, base+"/"+newRef, "petition") == 3
			})
			rows := exportCSV(t, db, newRef)
			var got []string
			for _, r := range rows {
				got = append(got, r["email"]+" "+r["postcode"])
			}
			slices.Sort(got)
			if want := []string{"ann@example.org OLD 1", "bob@example.org OLD 2", "cid@example.org NEW 2"}; !slices.Equal(got, want) {
				t.Errorf("export of the new name: %v, want %v (ann once, her first signature)", got, want)
			}
			if rows := exportCSV(t, db, petitionRef); len(rows) != 0 {
				t.Errorf("the old name still holds %d signatures", len(rows))
			}
			if !strings.Contains(logs.String(), "its signatures follow it") || strings.Contains(logs.String(), "@example.org") {
				t.Errorf("want one line logging the move, with counts and no address:\n%s", logs.String())
			}
			// Signing again under the new name: already counted there.
			f := loadForm(t, base, newRef)
			wantSigned(t, base, f, f.with(map[string]string{"name": "Bob", "email": "bob@example.org", "consent": "yes"}), newRef, "signed")
			if rows := exportCSV(t, db, newRef); len(rows) != 3 {
				t.Errorf("after bob signed again under the new name: %d signatures, want 3", len(rows))
			}
		})
	}
}
