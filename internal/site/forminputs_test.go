package site

import (
	"testing"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/i18n"
	"github.com/placard/placard/internal/signing"
)

// TestFormInputs: every field signing may ask for is drawn with an input
// type, an autocomplete token and a label (and its hint when it has one)
// from the catalogue.
func TestFormInputs(t *testing.T) {
	all := campaign.Fields{Name: campaign.FieldRequired, Email: campaign.FieldRequired, Postcode: campaign.FieldRequired,
		Country: campaign.FieldRequired, Phone: campaign.FieldRequired, Comment: campaign.FieldRequired,
		Organisation: campaign.FieldRequired, Role: campaign.FieldRequired}
	fields := signing.FormFields(all)
	// A form with name_fields: split asks for the name in two fields.
	split := all
	split.SplitNames = true
	for _, f := range signing.FormFields(split) {
		if f.Name == "given_name" || f.Name == "family_name" {
			fields = append(fields, f)
		}
	}
	if len(fields) != len(formInputs) {
		t.Errorf("%d fields, %d inputs", len(fields), len(formInputs))
	}
	for _, f := range fields {
		in, ok := formInputs[f.Name]
		if !ok || in.typ == "" || in.autocomplete == "" {
			t.Errorf("%s: incomplete input %+v", f.Name, in)
		}
		if !i18n.Known("field." + f.Name) {
			t.Errorf("%s: no label in the catalogue", f.Name)
		}
		if in.hint && !i18n.Known("field."+f.Name+".hint") {
			t.Errorf("%s: no hint in the catalogue", f.Name)
		}
	}
}
