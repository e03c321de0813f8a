package campaign

import (
	"slices"
	"testing"
)

// checkTargets: a contact action takes its targets from a file in targets/,
// filtered, with its lookup table; inline targets get ids too.
func checkTargets(t *testing.T, s *Site) {
	t.Helper()
	c := s.Campaign("civic", "call")
	if c == nil {
		t.Fatal("no campaign civic/call")
	}
	call, inline := c.Actions[0].Contact, c.Actions[1].Contact
	var ids []string
	for _, tg := range call.Targets {
		ids = append(ids, tg.ID)
	}
	if !slices.Equal(ids, []string{"ada", "bo-lind"}) {
		t.Errorf("targets = %q, want the two councillors [ada bo-lind]", ids)
	}
	ada := call.Targets[0]
	if ada.Phone != "+1 555 0100" || len(ada.Phones) != 2 || ada.Hours != "Mon–Fri 9–5" || ada.Region != "North" || ada.Role != "Councillor" {
		t.Errorf("ada = %+v", ada)
	}
	if call.LookupTable == nil {
		t.Fatal("no lookup table")
	}
	if ds, err := call.LookupTable.Find("2500"); err != nil || !slices.Equal(ds, []string{"North", "South"}) {
		t.Errorf("Find(2500) = %q, %v", ds, err)
	}
	if len(s.Org("civic").TargetFiles["council"]) != 3 {
		t.Errorf("TargetFiles[council] has %d targets, want 3", len(s.Org("civic").TargetFiles["council"]))
	}
	if inline.Targets[0].ID != "mayor-cy-ward" || len(inline.Targets[0].Phones) != 1 {
		t.Errorf("inline target = %+v", inline.Targets[0])
	}
}
