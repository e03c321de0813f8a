package site

import "testing"

// TestReflow: a contact email written as a YAML block keeps its
// paragraphs, greeting, sign-off and list, but not the line breaks that
// only wrapped the organiser's lines (issue 13 B7).
func TestReflow(t *testing.T) {
	in := "Dear Councillor,\n\nI live in the Riverside ward and I am writing to ask you to vote\nto keep the library open in the evenings, because students and\nworking parents have nowhere else to go.\n\nPlease:\n- fund the staff\n- keep it open until 9\n\nYours sincerely,\nA Riverside resident\n"
	want := "Dear Councillor,\n\nI live in the Riverside ward and I am writing to ask you to vote to keep the library open in the evenings, because students and working parents have nowhere else to go.\n\nPlease:\n- fund the staff\n- keep it open until 9\n\nYours sincerely,\nA Riverside resident"
	if got := Reflow(in); got != want {
		t.Errorf("Reflow:\ngot  %q\nwant %q", got, want)
	}
	if got := Reflow("One line only."); got != "One line only." {
		t.Errorf("Reflow of one line: %q", got)
	}
}
