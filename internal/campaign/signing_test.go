package campaign

import "testing"

// The signing settings' valid case registers its checks here, beside the
// other valid cases' (validChecks in load_test.go).
func init() { validChecks["signing"] = checkSigning }

// checkSigning checks that the signing settings arrive as written: the
// petition's field rules, the letter's signing switch, goal, fields and own
// consent, and the organisation's consent.
func checkSigning(t *testing.T, s *Site) {
	t.Helper()
	o := s.Org("sig")
	if o == nil {
		t.Fatal("organisation sig not loaded")
	}
	eq(t, "org consent", o.Consent, "Signing Works may email me about this campaign. I can unsubscribe at any time.")
	c := o.Campaign("forms")
	if c == nil || len(c.Actions) != 2 {
		t.Fatalf("campaign forms: got %v, want 2 actions", c)
	}
	p := c.Actions[0].Petition
	eq(t, "petition goal", p.Goal, 1000)
	eq(t, "petition fields", p.Fields, Fields{Name: FieldRequired, Email: FieldRequired, Postcode: FieldOptional,
		Country: FieldOptional, Phone: FieldOptional, Comment: FieldOptional})
	eq(t, "petition consent", p.Consent, "")
	l := c.Actions[1].Letter
	eq(t, "letter signing", l.Signing, true)
	eq(t, "letter goal", l.Goal, 250)
	eq(t, "letter fields", l.Fields, Fields{Organisation: FieldOptional, Role: FieldOptional})
	eq(t, "letter consent", l.Consent, "Signing Works may email me about this letter.\nI can unsubscribe at any time.\n")
	eq(t, "letter signatories", len(l.Organisations)+len(l.Individuals), 0)
}
