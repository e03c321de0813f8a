package mail

import "strconv"

// appendPayload appends p as JSON to b, the very bytes encoding/json
// writes for it, without reflection: every signature with email on makes
// one in the sign handler (json.Marshal took about 350 ns and most of
// NewMessage). It reports false, having appended nothing, when a field
// holds a byte encoding/json would escape or replace (a control
// character, a quote, a backslash, <, >, & or anything beyond ASCII):
// Encode then leaves the payload to encoding/json.
func appendPayload(b []byte, p Payload) ([]byte, bool) {
	for _, s := range [...]string{p.Template, p.Lang, p.Org, p.Campaign, p.To, p.Ref} {
		if !plainJSON(s) {
			return b, false
		}
	}
	b = append(b, `{"template":"`...)
	b = append(b, p.Template...)
	b = append(b, `","lang":"`...)
	b = append(b, p.Lang...)
	b = append(b, '"')
	field := func(name, v string) {
		if v != "" {
			b = append(b, `,"`...)
			b = append(b, name...)
			b = append(b, `":"`...)
			b = append(b, v...)
			b = append(b, '"')
		}
	}
	field("org", p.Org)
	field("campaign", p.Campaign)
	field("to", p.To)
	field("ref", p.Ref)
	if p.Days != 0 {
		b = append(b, `,"days":`...)
		b = strconv.AppendInt(b, int64(p.Days), 10)
	}
	if p.Signed != 0 {
		b = append(b, `,"signed":`...)
		b = strconv.AppendInt(b, p.Signed, 10)
	}
	if p.Confirmed {
		b = append(b, `,"confirmed":true`...)
	}
	if p.Again {
		b = append(b, `,"again":true`...)
	}
	return append(b, '}'), true
}

// payloadSize is at least how many bytes appendPayload writes for p.
func payloadSize(p Payload) int {
	return len(`{"template":"","lang":"","org":"","campaign":"","to":"","ref":"","days":,"signed":,"confirmed":true,"again":true}`) + 40 +
		len(p.Template) + len(p.Lang) + len(p.Org) + len(p.Campaign) + len(p.To) + len(p.Ref)
}

// plainJSON reports whether encoding/json writes s between its quotes
// byte for byte.
func plainJSON(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20, c >= 0x80, c == '"', c == '\\', c == '<', c == '>', c == '&':
			return false
		}
	}
	return true
}
