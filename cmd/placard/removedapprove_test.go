package main

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// TestApproveRefusesRemovedCampaign: `placard signatures approve` does not
// approve a signature waiting on a removed campaign, kept apart from the
// new campaign of its name (store.ErrRemovedCampaign): it says why and
// what to do, exits 1, and still approves the other IDs named; the
// signature may be rejected. On each engine. It failed before: the
// command printed "Approved signature N." and the signature counted under
// the kept-apart name.
func TestApproveRefusesRemovedCampaign(t *testing.T) {
	for _, e := range engines() {
		t.Run(e.name, func(t *testing.T) {
			ctx := context.Background()
			db := e.db(t)
			st := openForTest(t, db)
			old := sig("bay/old-letter", "Grace Hopper", "grace@example.org", signing.KindOrganisation)
			seed(t, st, old)
			at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
			rm := st.(store.Removals)
			if ok, err := rm.RecordRemoved(ctx, "bay", "old-letter", "", at, 0, at); err != nil || !ok {
				t.Fatalf("RecordRemoved: %v, %v", ok, err)
			}
			k, err := rm.KeepApart(ctx, "bay", "old-letter", "", at.Add(time.Hour), at.Add(time.Hour))
			if err != nil || k.Name == "" {
				t.Fatalf("KeepApart: %+v, %v", k, err)
			}
			live := sig("bay/old-letter", "Night Owls", "owl@example.org", signing.KindOrganisation)
			seed(t, st, live)
			oldID, liveID := strconv.FormatInt(old.ID, 10), strconv.FormatInt(live.ID, 10)

			out, errs, code := runCLI(t, "signatures", "approve", oldID, liveID, "--no-webhooks", "--db", db)
			if code != 1 || strings.Contains(out, "Approved signature "+oldID+".") || !strings.Contains(out, "Approved signature "+liveID+".") ||
				!strings.Contains(errs, "signature "+oldID+" belongs to a campaign whose file was removed") || !strings.Contains(errs, "placard signatures move") {
				t.Errorf("approve %s %s: exit %d, stdout %q, stderr %q; want %s refused with why and what to do, %s approved, exit 1", oldID, liveID, code, out, errs, oldID, liveID)
			}
			statuses := func(campaign string) map[string]signing.Status {
				got := map[string]signing.Status{}
				if err := st.Signatures(ctx, "bay", campaign, "", func(s *signing.Signature) error {
					got[s.Email] = s.Status
					return nil
				}); err != nil {
					t.Fatal(err)
				}
				return got
			}
			if got := statuses(k.Name)["grace@example.org"]; got != signing.StatusPending {
				t.Errorf("the removed campaign's signature is %q after approve, want pending", got)
			}
			if got := statuses("old-letter")["owl@example.org"]; got != signing.StatusApproved {
				t.Errorf("the new campaign's signature is %q after approve, want approved", got)
			}
			if out, errs, code := runCLI(t, "signatures", "reject", oldID, "--no-webhooks", "--db", db); code != 0 || out != "Rejected signature "+oldID+".\n" {
				t.Errorf("reject %s: exit %d, stdout %q, stderr %q; want it rejected", oldID, code, out, errs)
			}
			if got := statuses(k.Name)["grace@example.org"]; got != signing.StatusRejected {
				t.Errorf("after reject: %q, want rejected", got)
			}
		})
	}
}
