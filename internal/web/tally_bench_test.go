package web

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/placard/placard/internal/campaign/campaigntest"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store/sqlite"
)

// BenchmarkPollLetterManySignatures measures one tally refresh (a new
// signature, then Poll) of a letter with 200,000 approved signatures, 20
// of them approved organisations listed on the page. The refresh should
// cost what changed, not what the letter holds.
func BenchmarkPollLetterManySignatures(b *testing.B) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "placard.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	at := time.Date(2026, 2, 20, 12, 0, 0, 0, time.UTC)
	sig := func(i int, kind signing.Kind) *signing.Signature {
		return &signing.Signature{Org: "riverside", Campaign: "open-letter", Action: "letter",
			Kind: kind, Status: signing.StatusApproved, Name: "Signer", Email: fmt.Sprintf("s%d@example.org", i),
			Organisation: map[bool]string{true: fmt.Sprintf("Group %d", i)}[kind == signing.KindOrganisation],
			ConsentText:  "ok", ConsentAt: at, Lang: "en", CreatedAt: at}
	}
	const total, orgs, batch = 200_000, 20, 10_000
	for start := 0; start < total; start += batch {
		sigs := make([]*signing.Signature, 0, batch)
		for i := start; i < start+batch; i++ {
			kind := signing.KindIndividual
			if i%(total/orgs) == 0 {
				kind = signing.KindOrganisation
			}
			sigs = append(sigs, sig(i, kind))
		}
		if _, err := st.AddSignatures(ctx, sigs); err != nil {
			b.Fatal(err)
		}
	}
	s, err := New(Config{BaseURL: "https://act.example.org", SiteName: "Act", Store: st, RateLimit: -1,
		Now: func() time.Time { return at }}, signSite(b))
	if err != nil {
		b.Fatal(err)
	}
	if err := s.Poll(ctx); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		if _, err := st.AddSignatures(ctx, []*signing.Signature{sig(total+i, signing.KindIndividual)}); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := s.Poll(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPollManyRegions measures one tally refresh (a new signature,
// then Poll) of a petition page whose contact action lists 400 regions,
// each with its own page variant.
func BenchmarkPollManyRegions(b *testing.B) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "placard.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	f := signFiles(b)
	lib := f["riverside/save-the-library.yaml"]
	start, end := strings.Index(lib, "    targets:\n"), strings.Index(lib, "  - kind: share\n")
	if start < 0 || end < start {
		b.Fatal("save-the-library has no contact action")
	}
	var targets strings.Builder
	targets.WriteString("    targets:\n")
	for r := range 400 {
		fmt.Fprintf(&targets, "      - {name: Councillor %d, email: c%d@council.example, region: Ward %d}\n", r, r, r)
	}
	f["riverside/save-the-library.yaml"] = lib[:start] + targets.String() + lib[end:]
	site := campaigntest.Site(b, f)
	at := time.Date(2026, 2, 20, 12, 0, 0, 0, time.UTC)
	s, err := New(Config{BaseURL: "https://act.example.org", SiteName: "Act", Store: st, RateLimit: -1,
		Now: func() time.Time { return at }}, site)
	if err != nil {
		b.Fatal(err)
	}
	sig := func(i int) *signing.Signature {
		return &signing.Signature{Org: "riverside", Campaign: "save-the-library", Action: "petition",
			Kind: signing.KindIndividual, Status: signing.StatusApproved, Name: "Signer", Email: fmt.Sprintf("s%d@example.org", i),
			ConsentText: "ok", ConsentAt: at, Lang: "en", CreatedAt: at}
	}
	if _, err := st.AddSignatures(ctx, []*signing.Signature{sig(-1)}); err != nil {
		b.Fatal(err)
	}
	if err := s.Poll(ctx); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		if _, err := st.AddSignatures(ctx, []*signing.Signature{sig(i)}); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := s.Poll(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
