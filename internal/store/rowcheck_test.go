package store_test

import (
	"strings"
	"testing"
	"time"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// FuzzFormAcceptedIsStorable: whatever the signing form's check accepts
// (signing.CheckForm, every field asked for, names apart or together),
// with the longest organisation and campaign slugs a file system holds
// (255 bytes a name: a campaign file is SLUG.yaml), the store does not
// refuse (store.CheckSignature): a valid signature must never be lost.
// go test runs the seeds — the lengths in bytes against characters, code
// points that grow under NFKC, lower-casing or IDNA, controls, NUL and
// bytes that are not UTF-8 — and go test -fuzz looks further.
func FuzzFormAcceptedIsStorable(f *testing.F) {
	long4 := strings.Repeat("\U00020000", 198) // 4 bytes each, CJK extension B
	for _, seed := range []struct{ name, email, comment string }{
		{"Ada Lovelace", "ada@example.org", "Yes."},
		{long4, strings.Repeat("a", 64) + "@" + strings.Repeat(strings.Repeat("中", 20)+".", 3) + "中国", strings.Repeat(long4, 10)},
		{strings.Repeat("\U0001D400", 198), strings.Repeat("\u0130", 60) + "@example.org", strings.Repeat("\ufdfd", 2000)},
		{strings.Repeat("\ufdfd", 11), strings.Repeat("Ａ", 64) + "@ｅｘａｍｐｌｅ。ｏｒｇ", strings.Repeat("\U0001F600", 2000)},
		{"x", strings.Repeat("a", 64) + "@" + strings.Repeat("xn--"+strings.Repeat("a", 57)+"b.", 3) + "org", "x"},
		{"Nul\x00", "nul\x00@example.org", "a\x00b"},
		{"caf\xe9", "caf\xe9@example.org", "\xff\xfe"},
		{"\u202eevil", "a\u200b@example.org", "line\r\nbreak\u2028"},
		{"İSTANBUL", "İ@ΣΊΣΥΦΟΣ.example", "ﬀ"},
	} {
		f.Add(seed.name, seed.email, seed.comment)
	}
	org := strings.Repeat("o", 255)
	camp := strings.Repeat("c", 250)
	now := time.Date(2026, 12, 5, 22, 0, 0, 0, time.UTC)
	rules := campaign.Fields{Name: campaign.FieldRequired, Postcode: campaign.FieldOptional, Country: campaign.FieldOptional,
		Phone: campaign.FieldOptional, Comment: campaign.FieldOptional, Organisation: campaign.FieldOptional, Role: campaign.FieldOptional}
	split := rules
	split.SplitNames = true
	f.Fuzz(func(t *testing.T, name, email, comment string) {
		for _, r := range []campaign.Fields{rules, split} {
			sub := signing.Submission{Action: "sign", Name: name, GivenName: name, FamilyName: "X", Email: email,
				Postcode: "SW1A 1AA", Country: "gb", Phone: "+44 20 7946 0000", Comment: comment, Organisation: name, Role: name,
				Consent: "yes", Contact: "yes", Public: "yes"}
			sig, errs := signing.CheckForm(sub, r, "I agree.", "You may write to me.", now)
			if len(errs) > 0 {
				continue
			}
			if testing.Verbose() {
				t.Logf("accepted (split names %v): email of %d bytes, name of %d bytes", r.SplitNames, len(sig.Email), len(sig.Name))
			}
			sig.Org, sig.Campaign, sig.Lang = org, camp, "en"
			if err := store.CheckSignature(sig); err != nil {
				t.Errorf("the form accepted %q / %q / %q (split names %v) and the store refuses it: %v", name, email, comment, r.SplitNames, err)
			}
		}
	})
}
