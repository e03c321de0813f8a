package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/placard/placard/internal/campaign"
)

// TestGenerateLoads checks that what bench/scale.sh serves is a valid site
// of exactly N campaigns, for organisations that hold all their example's
// campaigns and for ones too small to (whose related campaigns then name the
// example organisation), so a new example cannot quietly break the
// benchmark.
func TestGenerateLoads(t *testing.T) {
	for _, tc := range []struct {
		n, perOrg int
		only      []string
	}{{0, 25, nil}, {60, 7, nil}, {23, 2, nil}, {40, 10, []string{"shared-shore", "northgate-tenants"}}} {
		out := filepath.Join(t.TempDir(), "campaigns")
		if err := generate(filepath.Join("..", "..", "campaigns"), out, tc.n, tc.perOrg, tc.only); err != nil {
			t.Fatalf("n=%d per-org=%d: %v", tc.n, tc.perOrg, err)
		}
		site, problems := campaign.Load(out)
		if problems.HasErrors() {
			t.Fatalf("n=%d per-org=%d: the generated campaigns have problems:\n%v", tc.n, tc.perOrg, problems.Errors())
		}
		camps := 0
		for _, o := range site.Orgs {
			camps += len(o.Campaigns)
		}
		if tc.n > 0 && camps != tc.n {
			t.Errorf("n=%d per-org=%d: %d campaigns loaded", tc.n, tc.perOrg, camps)
		}
	}
}

func TestGenerateRefusesFewerThanTheExamples(t *testing.T) {
	err := generate(filepath.Join("..", "..", "campaigns"), filepath.Join(t.TempDir(), "c"), 1, 25, nil)
	if err == nil || !strings.Contains(err.Error(), "fewer than the examples") {
		t.Fatalf("generate -n 1: %v, want a refusal", err)
	}
}
