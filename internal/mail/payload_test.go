package mail

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"
)

// payloadCases are payloads whose encoding must be exactly encoding/json's:
// the ones signing makes, and fields appendPayload leaves to it.
var payloadCases = []Payload{
	{Template: TemplateThanks, Lang: "en", Ref: "k3v9q2m7x4b8n"},
	{Template: TemplateConfirm, Lang: "he", Days: 7},
	{Template: TemplateConfirm, Lang: "en", Days: 7, Signed: 1796126400987654},
	{Template: TemplateConfirm, Lang: "en", Days: 7, Signed: -1 << 62},
	{Template: TemplateData, Lang: "ar", Org: "northgate-tenants", Campaign: "tell-the-courier", To: "a.b+c@example.org", Ref: "x", Days: -3},
	{},
	{Template: "thanks", Lang: "fr", To: "<script>&amp;@example.org"},
	{Template: "thanks", Lang: "de", To: `quote"back\slash@example.org`},
	{Template: "thanks", Lang: "es", Ref: "tab\there\nnewline\x00nul\x7fdel"},
	{Template: "thanks", Lang: "en", To: "émilie@exämple.org"},
	{Template: "thanks", Lang: "en", To: "bad\xff\xfeutf8@example.org"},
	{Template: "thanks", Lang: "en", Ref: "line\u2028sep\u2029para"},
	{Template: "thanks", Lang: "en", Days: math.MaxInt}, // the widest an int holds (1<<40 did not build on 32-bit GOARCH)
	{Template: TemplateThanks, Lang: "en", Ref: "k3v9q2m7x4b8n", Confirmed: true},
	{Template: TemplateConfirm, Lang: "en", Days: 3, Signed: 1796126400987654, Again: true},
}

// TestPayloadEncodeAsJSON: Encode writes the very bytes encoding/json
// does, so payloads read back the same whichever wrote them.
func TestPayloadEncodeAsJSON(t *testing.T) {
	for _, p := range payloadCases {
		want, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.Encode(); !bytes.Equal(got, want) {
			t.Errorf("Encode(%+v):\n got %s\nwant %s", p, got, want)
		}
	}
}

// TestPayloadEncodeAllocations: the payload a signature's email carries
// is one allocation, its bytes (with or without -race: no sync.Pool is
// involved).
func TestPayloadEncodeAllocations(t *testing.T) {
	p := Payload{Template: TemplateThanks, Lang: "en", Ref: "k3v9q2m7x4b8n"}
	if n := testing.AllocsPerRun(100, func() { p.Encode() }); n != 1 {
		t.Errorf("Encode makes %.0f allocations; want 1", n)
	}
	c := Payload{Template: TemplateConfirm, Lang: "en", Days: 90, Signed: -1 << 62}
	if n := testing.AllocsPerRun(100, func() { c.Encode() }); n != 1 {
		t.Errorf("Encode of a confirmation makes %.0f allocations; want 1", n)
	}
}

// FuzzPayloadEncode: for any fields, Encode is encoding/json's encoding.
func FuzzPayloadEncode(f *testing.F) {
	for _, p := range payloadCases {
		f.Add(p.Template, p.Lang, p.Org, p.Campaign, p.To, p.Ref, p.Days, p.Signed)
	}
	f.Fuzz(func(t *testing.T, template, lang, org, campaign, to, ref string, days int, signed int64) {
		p := Payload{Template: template, Lang: lang, Org: org, Campaign: campaign, To: to, Ref: ref, Days: days, Signed: signed}
		want, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.Encode(); !bytes.Equal(got, want) {
			t.Errorf("Encode(%+v):\n got %s\nwant %s", p, got, want)
		}
	})
}
