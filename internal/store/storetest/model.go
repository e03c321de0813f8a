package storetest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// modelSig is what the model remembers of a stored signature.
type modelSig struct {
	org, campaign, email string
	kind                 signing.Kind
	status               signing.Status
}

// testAgainstModel applies a long random sequence of batches, status
// changes and erasures to the store and to a plain in-memory model, then
// checks that Counts, Signatures and PublicSigners agree with the model:
// the tallies stay in step whatever order things happen in.
func testAgainstModel(t *testing.T, s store.Store) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	model := map[int64]*modelSig{}
	byKey := map[[3]string]int64{}
	var ids []int64
	orgs, campaigns := []string{"o1", "o2"}, []string{"a", "b", "c"}
	email := func() string { return fmt.Sprintf("p%d@example.org", rng.IntN(40)) }
	kinds := []signing.Kind{signing.KindIndividual, signing.KindOrganisation}
	statuses := []signing.Status{signing.StatusApproved, signing.StatusPending, signing.StatusRejected}

	for step := range 300 {
		switch op := rng.IntN(10); {
		case op < 6: // a batch of 1-8 signatures, duplicates likely
			var batch []*signing.Signature
			for range 1 + rng.IntN(8) {
				sig := Sig(orgs[rng.IntN(2)], campaigns[rng.IntN(3)], email())
				sig.Kind = kinds[rng.IntN(2)]
				sig.Status = statuses[rng.IntN(2)] // new signatures are approved or pending
				sig.Public = rng.IntN(2) == 0
				batch = append(batch, sig)
			}
			res, err := s.AddSignatures(ctx, batch)
			if err != nil {
				t.Fatalf("step %d AddSignatures: %v", step, err)
			}
			for i, sig := range batch {
				k := [3]string{sig.Org, sig.Campaign, sig.Email}
				_, exists := byKey[k]
				switch {
				case exists && !errors.Is(res[i], store.ErrAlreadySigned):
					t.Fatalf("step %d: duplicate %v got %v, want ErrAlreadySigned", step, k, res[i])
				case !exists && res[i] != nil:
					t.Fatalf("step %d: new %v got %v, want nil", step, k, res[i])
				case !exists:
					byKey[k] = sig.ID
					ids = append(ids, sig.ID)
					model[sig.ID] = &modelSig{sig.Org, sig.Campaign, sig.Email, sig.Kind, sig.Status}
				}
			}
		case op < 9 && len(ids) > 0: // moderate a signature, maybe an erased one
			id := ids[rng.IntN(len(ids))]
			st := statuses[rng.IntN(3)]
			err := s.SetStatus(ctx, id, st)
			if m, ok := model[id]; ok {
				if err != nil {
					t.Fatalf("step %d SetStatus(%d): %v", step, id, err)
				}
				m.status = st
			} else if !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("step %d SetStatus of erased %d: got %v, want ErrNotFound", step, id, err)
			}
		default: // erase a person everywhere
			e := email()
			n, err := s.Erase(ctx, e)
			want := 0
			for id, m := range model {
				if m.email == e {
					delete(model, id)
					delete(byKey, [3]string{m.org, m.campaign, m.email})
					want++
				}
			}
			if err != nil || n != want {
				t.Fatalf("step %d Erase(%s): got %d, %v, want %d", step, e, n, err, want)
			}
		}
	}

	var want []signing.Count
	for _, o := range orgs {
		for _, c := range campaigns {
			cnt := signing.Count{Org: o, Campaign: c}
			for _, m := range model {
				if m.org != o || m.campaign != c {
					continue
				}
				switch m.status {
				case signing.StatusApproved:
					cnt.Signatures++
					if m.kind == signing.KindOrganisation {
						cnt.Organisations++
					}
				case signing.StatusPending:
					cnt.Pending++
				}
			}
			if cnt.Signatures+cnt.Organisations+cnt.Pending > 0 {
				want = append(want, cnt)
			}
			var gotIDs, wantIDs []int64
			s.Signatures(ctx, o, c, "", func(sig *signing.Signature) error {
				gotIDs = append(gotIDs, sig.ID)
				return nil
			})
			for id, m := range model {
				if m.org == o && m.campaign == c {
					wantIDs = append(wantIDs, id)
				}
			}
			slices.Sort(wantIDs)
			if !slices.Equal(gotIDs, wantIDs) {
				t.Errorf("%s/%s signatures: got ids %v, want %v", o, c, gotIDs, wantIDs)
			}
		}
	}
	wantCounts(t, s, want...)
}
