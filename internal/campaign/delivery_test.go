package campaign_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/placard/placard/internal/campaign"
)

// TestDelivery: org.yaml's delivery is count by default, names when set,
// and anything else is an error at its line with the two choices.
func TestDelivery(t *testing.T) {
	load := func(org string) (*campaign.Site, campaign.Problems) {
		return campaign.LoadFS(fstest.MapFS{"r/org.yaml": {Data: []byte("name: R\n" + org)}}, ".")
	}
	site, probs := load("")
	if probs.HasErrors() || site.Org("r").Delivery != campaign.DeliveryCount {
		t.Fatalf("default: %v, %v", site, probs)
	}
	site, probs = load("delivery: names\n")
	if probs.HasErrors() || site.Org("r").Delivery != campaign.DeliveryNames {
		t.Fatalf("names: %v", probs)
	}
	_, probs = load("delivery: nams\n")
	errs := probs.Errors()
	if len(errs) != 1 || errs[0].Line != 2 || errs[0].Col != 11 || !strings.Contains(errs[0].Message, "names") {
		t.Errorf("a wrong value: %v", probs)
	}
}
