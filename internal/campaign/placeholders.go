package campaign

import (
	"net/url"
	"reflect"
	"regexp"
	"strings"
)

// Placeholders left in a published campaign. placard new writes files that
// pass the checker as they are, with stand-ins to replace: "The Decision
// Maker", "(write the demand here)", addresses on .example sites and the
// phone number +1 555 0100, which no one answers. A draft may hold them; a
// campaign going public should not, so check warns at each. Beyond the
// scaffold's own stand-ins, any address that cannot exist is one too: an
// email address or web address on a .example site or on example.com,
// example.net or example.org (reserved for examples, RFC 2606), and a
// North American number in the 555-0100 to 555-0199 range (reserved for
// fiction). An organisation whose own website is on a .example site is
// itself an example (like every test's and those in the campaigns folder):
// it is not warned about.

// placeholderPatterns find the stand-ins, each with the words a warning
// uses for it. A pattern with a group reports the group.
var placeholderPatterns = []struct {
	re   *regexp.Regexp
	what string
}{
	{regexp.MustCompile(`(?i)\bthe decision maker\b`), "the stand-in decision-maker"},
	{regexp.MustCompile(`\((?:write|say) [^()]{0,60}\)`), "a note to fill in"},
	{regexp.MustCompile(`Say in a sentence or two`), "a note to fill in"},
	{regexp.MustCompile(`\bSam Example\b`), "the stand-in name"},
	{exampleAddress, "an address on an example site, which does not exist"},
	{fictionalPhone, "a 555 phone number, which no one answers"},
}

// exampleAddress is an email or web address on a site reserved for
// examples: anything under .example, and example.com, .net and .org.
var exampleAddress = regexp.MustCompile(`(?i)(?:\b[a-z0-9._%+-]+@|\bhttps?://|@)(?:[a-z0-9-]+\.)*(?:[a-z0-9-]+\.example|example\.(?:com|net|org))\b`)

// fictionalPhone is a North American number in the range kept for fiction,
// 555-0100 to 555-0199, with or without +1 and an area code, in any of the
// usual spellings: +1 555 0100, (202) 555-0143, 1-800-555-0199.
var fictionalPhone = regexp.MustCompile(`(?:^|[^\d+])((?:\+?1[\s.\-]?)?(?:\(?\d{3}\)?[\s.\-]?)?555[\s.\-]?01\d\d)(?:$|\D)`)

// placeholders warns about every stand-in left in campaign camp once it is
// public. An organisation whose own website is on a .example site is itself
// an example (like those in the campaigns folder), and is not warned about.
func (c *checker) placeholders(camp *Campaign) {
	switch camp.Status {
	case "", StatusPublished, StatusClosed, StatusVictory:
	default:
		return // a draft, or a status already reported as wrong
	}
	if camp.Org == nil || exampleOrg(camp.Org) {
		return
	}
	seen := map[string]bool{}
	walkText(reflect.ValueOf(camp).Elem(), func(ptr any, s string) {
		for _, p := range placeholderPatterns {
			ms := p.re.FindStringSubmatch(s)
			if ms == nil {
				continue
			}
			m := strings.TrimSpace(ms[len(ms)-1])
			if m == "" || seen[strings.ToLower(m)] {
				continue
			}
			seen[strings.ToLower(m)] = true
			c.warnf(c.at(ptr, camp), "this campaign is public but still holds %s: %s — put the real one in its place, or keep status: draft until it is ready", p.what, quoteValue(m))
		}
	})
}

// exampleOrg reports whether o's own website is on a .example site.
func exampleOrg(o *Org) bool {
	if o == nil {
		return false
	}
	u, err := url.Parse(strings.TrimSpace(o.Website))
	return err == nil && strings.HasSuffix(strings.ToLower(u.Hostname()), ".example")
}

// walkText calls fn with a pointer to each text setting under v (a
// campaign and everything in it, but not its organisation), in file order.
func walkText(v reflect.Value, fn func(ptr any, s string)) {
	switch v.Kind() {
	case reflect.String:
		if v.CanAddr() && v.String() != "" {
			fn(v.Addr().Interface(), v.String())
		}
	case reflect.Pointer:
		if !v.IsNil() && v.Type() != reflect.TypeFor[*Org]() && v.Type() != reflect.TypeFor[*Campaign]() && v.Type() != reflect.TypeFor[*Asset]() {
			walkText(v.Elem(), fn)
		}
	case reflect.Slice:
		for i := range v.Len() {
			walkText(v.Index(i), fn)
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			if f := t.Field(i); f.IsExported() && f.Tag.Get("yaml") != "-" || f.Type.Kind() == reflect.Pointer && f.IsExported() && t == reflect.TypeFor[Action]() {
				walkText(v.Field(i), fn)
			}
		}
	}
}
