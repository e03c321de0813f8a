package console

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/placard/placard/internal/accounts"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// TestRemovedCampaignsOnDataPage: a removed campaign whose signatures are
// kept apart is listed on the data page with its count, and its
// signatures download by the kept-apart name, so the organisation can
// hand them over or answer a request; other names, another
// organisation's removed campaign and viewers get nothing. It failed
// before: the page did not list them and the export answered 404.
func TestRemovedCampaignsOnDataPage(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	at := time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC)
	var sigs []*signing.Signature
	for _, who := range []struct{ org, email string }{{"riverside", "ann@example.org"}, {"riverside", "bob@example.org"}, {"other", "cat@example.org"}} {
		sigs = append(sigs, &signing.Signature{Org: who.org, Campaign: "old-letter", Action: "sign", Kind: signing.KindIndividual,
			Status: signing.StatusApproved, Name: "Signer " + who.email, Email: who.email, ConsentText: "yes", ConsentAt: at, CreatedAt: at, Lang: "en"})
	}
	if _, err := e.st.AddSignatures(ctx, sigs); err != nil {
		t.Fatal(err)
	}
	rm := e.st.(store.Removals)
	var kept string
	for _, org := range []string{"riverside", "other"} {
		if _, err := rm.RecordRemoved(ctx, org, "old-letter", "", at, 0, at); err != nil {
			t.Fatal(err)
		}
		k, err := rm.KeepApart(ctx, org, "old-letter", "", at.Add(time.Hour), at.Add(time.Hour))
		if err != nil || k.Name == "" {
			t.Fatalf("KeepApart(%s): %+v, %v", org, k, err)
		}
		kept = k.Name
	}

	b := e.signIn("riverside", "sam@example.org", accounts.RoleEditor)
	res := b.get(Prefix + "/riverside/data")
	wantStatus(t, res, http.StatusOK)
	section := doc(t, res).Find(`section[aria-labelledby=removed]`)
	if text := section.Text(); !strings.Contains(text, "old-letter") || !strings.Contains(text, "signatures: 2") || !strings.Contains(text, kept) {
		t.Errorf("data page's removed campaigns: %q, want old-letter with its 2 signatures, kept as %s", text, kept)
	}
	if strings.Contains(section.Text(), "@example.org") {
		t.Error("the removed campaigns' list shows an address")
	}
	url := Prefix + "/riverside/" + kept + "/export?format=csv"
	if n := section.Find(`a[href="` + url + `"]`).Length(); n != 1 {
		t.Errorf("want one CSV link to %s, got %d", url, n)
	}
	res = b.get(url)
	wantStatus(t, res, http.StatusOK)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if csv := string(body); !strings.Contains(csv, "ann@example.org") || !strings.Contains(csv, "bob@example.org") || strings.Contains(csv, "cat@example.org") {
		t.Errorf("export of %s: want ann's and bob's signatures only:\n%s", kept, csv)
	}
	for _, name := range []string{"old-letter", "old-letter~removed-20990101", "nothing"} {
		res := b.get(Prefix + "/riverside/" + name + "/export?format=csv")
		res.Body.Close()
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("export of %s: status %d, want 404", name, res.StatusCode)
		}
	}
	v := e.signIn("riverside", "vic@example.org", accounts.RoleViewer)
	res = v.get(Prefix + "/riverside/data")
	if doc(t, res).Find(`section[aria-labelledby=removed]`).Length() != 0 {
		t.Error("a viewer sees the removed campaigns' downloads")
	}
	wantStatus(t, v.get(url), http.StatusForbidden)
}

// TestRemovedCampaignNotApproved: a signature waiting on a campaign whose
// file was removed, kept apart from the new campaign of that name, is not
// approved from a moderation page read before (or a form naming its id):
// the answer is a plain 400 saying why and what to do, nothing changes —
// not even the live signature ticked with it — and nothing is audited.
// Rejecting it still works. It failed before: the approval went through
// (303), counting the signature under the kept-apart name and telling
// the organisation's systems of a signature of a letter no longer there.
func TestRemovedCampaignNotApproved(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	b := e.signIn("riverside", "sam@example.org", accounts.RoleEditor)
	old := e.pendingOrg(t, "Northside Tenants")
	at := e.clock.now()
	rm := e.st.(store.Removals)
	if ok, err := rm.RecordRemoved(ctx, "riverside", "open-letter", "", at, 0, at); err != nil || !ok {
		t.Fatalf("RecordRemoved: %v, %v", ok, err)
	}
	k, err := rm.KeepApart(ctx, "riverside", "open-letter", "", at.Add(time.Minute), at.Add(time.Minute))
	if err != nil || k.Name == "" {
		t.Fatalf("KeepApart: %+v, %v", k, err)
	}
	live := e.pendingOrg(t, "Southside Tenants") // the new open-letter's
	statusUnder := func(campaign string, id int64) signing.Status {
		t.Helper()
		var got signing.Status
		if err := e.st.Signatures(ctx, "riverside", campaign, "", func(s *signing.Signature) error {
			if s.ID == id {
				got = s.Status
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return got
	}
	for _, form := range []url.Values{
		{"approve": {fmt.Sprint(old)}},
		{"do": {"approve"}, "id": {fmt.Sprint(live), fmt.Sprint(old)}},
		{"do": {"approve-page"}, "page": {fmt.Sprint(old), fmt.Sprint(live)}},
	} {
		res := b.post(Prefix+"/riverside/moderation", form)
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "cannot be approved") || !strings.Contains(string(body), "placard signatures move") {
			t.Errorf("approving %v: status %d, want 400 saying it cannot be approved and what to do; body:\n%s", form, res.StatusCode, body)
		}
	}
	if s := statusUnder(k.Name, old); s != signing.StatusPending {
		t.Errorf("the removed campaign's signature is %q, want still pending", s)
	}
	if s := statusUnder("open-letter", live); s != signing.StatusPending {
		t.Errorf("the live signature ticked with it is %q, want still pending (all or nothing)", s)
	}
	if log, _ := e.acc.Audit(ctx, "riverside", 100); slices.ContainsFunc(log, func(l accounts.AuditEntry) bool { return l.Action == accounts.ActApprove }) {
		t.Errorf("a refused approval was audited: %+v", log)
	}
	wantCode(t, b.post(Prefix+"/riverside/moderation", url.Values{"reject": {fmt.Sprint(old)}}), http.StatusSeeOther)
	if s := statusUnder(k.Name, old); s != signing.StatusRejected {
		t.Errorf("after rejecting it: %q, want rejected", s)
	}
	wantCode(t, b.post(Prefix+"/riverside/moderation", url.Values{"approve": {fmt.Sprint(live)}}), http.StatusSeeOther)
	if s := statusUnder("open-letter", live); s != signing.StatusApproved {
		t.Errorf("the new campaign's signature after approving it: %q, want approved", s)
	}
}
