package signing

import (
	"strings"
	"testing"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/i18n"
)

// split is a form asking for the given and family names apart.
var split = campaign.Fields{SplitNames: true}

// TestFormFieldsSplit: a split form asks for given_name and family_name
// where a plain form asks for name, with the name rule on both.
func TestFormFieldsSplit(t *testing.T) {
	var names []string
	for _, f := range FormFields(split) {
		names = append(names, f.Name)
		if (f.Name == "given_name" || f.Name == "family_name") && (!f.Required || f.MaxLength != MaxName) {
			t.Errorf("%s: required %v, max %d; want required, %d", f.Name, f.Required, f.MaxLength, MaxName)
		}
	}
	if got, want := strings.Join(names, ","), "given_name,family_name,email"; got != want {
		t.Errorf("split form fields: got %s, want %s", got, want)
	}
	for _, f := range FormFields(campaign.Fields{SplitNames: true, Name: campaign.FieldOptional}) {
		if f.Name == "given_name" && f.Required {
			t.Error("name: optional: given_name required, want optional")
		}
	}
	names = nil
	for _, f := range FormFields(campaign.Fields{}) {
		names = append(names, f.Name)
	}
	if got, want := strings.Join(names, ","), "name,email"; got != want {
		t.Errorf("default form fields: got %s, want %s", got, want)
	}
}

// TestCheckSplitNames: the two names are cleaned like a name, stored apart,
// and joined as "Given Family" for lists and letters; the single name
// field is ignored on a split form.
func TestCheckSplitNames(t *testing.T) {
	sub := good()
	sub.Name = "ignored"
	sub.GivenName, sub.FamilyName = "  Ｌｅｉｌａ ", "Haddad "
	sig, errs := Check(sub, split, consent, now)
	if len(errs) > 0 {
		t.Fatalf("errors %v", errs)
	}
	if sig.GivenName != "Leila" || sig.FamilyName != "Haddad" || sig.Name != "Leila Haddad" {
		t.Errorf("got given %q, family %q, name %q; want Leila, Haddad, Leila Haddad", sig.GivenName, sig.FamilyName, sig.Name)
	}
	// A plain form stores no parts.
	sig, _ = Check(good(), campaign.Fields{}, consent, now)
	if sig.GivenName != "" || sig.FamilyName != "" || sig.Name != "Ana Ruiz" {
		t.Errorf("plain form: got %q %q %q", sig.GivenName, sig.FamilyName, sig.Name)
	}
	// One of two optional names is enough.
	sub = good()
	sub.FamilyName = "Haddad"
	sig, errs = Check(sub, campaign.Fields{SplitNames: true, Name: campaign.FieldOptional}, consent, now)
	if len(errs) > 0 || sig.Name != "Haddad" {
		t.Errorf("family name only: got %v, %v; want Haddad", sig, errs)
	}
}

// TestCheckSplitNamesProblems: each name's problem is reported against its
// own field, and every one is a catalogue message in every language.
func TestCheckSplitNamesProblems(t *testing.T) {
	for _, tc := range []struct {
		given, family string
		want          map[string]string
	}{
		{"", "", map[string]string{"given_name": "check.given_name.missing", "family_name": "check.family_name.missing"}},
		{"Leila", "--", map[string]string{"family_name": "check.family_name.letters"}},
		{"a\u200bb", "\xff", map[string]string{"given_name": "check.given_name.invisible", "family_name": "check.family_name.unreadable"}},
		{strings.Repeat("a", 201), "Haddad", map[string]string{"given_name": "check.given_name.toolong"}},
		{strings.Repeat("a", 150), strings.Repeat("b", 150), map[string]string{"family_name": "check.family_name.together"}},
	} {
		sub := good()
		sub.GivenName, sub.FamilyName = tc.given, tc.family
		sig, errs := Check(sub, split, consent, now)
		if sig != nil {
			t.Errorf("%q %q: got a signature, want problems", tc.given, tc.family)
		}
		if len(errs) != len(tc.want) {
			t.Errorf("%q %q: got %v, want %v", tc.given, tc.family, errs, tc.want)
		}
		for field, key := range tc.want {
			m := errs[field]
			if m.Key != key {
				t.Errorf("%q %q: %s got %q, want %q", tc.given, tc.family, field, m.Key, key)
			}
			for _, lang := range i18n.Supported {
				if got := i18n.New(lang, nil).Say(m); got == key || !i18n.Known(key) {
					t.Errorf("%s: %s is not in the catalogue", lang, key)
				}
			}
		}
		if got := errs.Fields(); len(got) > 0 && got[0] != "given_name" && got[0] != "family_name" {
			t.Errorf("%q %q: summary order %v", tc.given, tc.family, got)
		}
	}
}
