package schema

import "reflect"

// Formats the loader checks inside one value (internal/campaign/validate.go),
// written as patterns so that an editor flags the same mistakes while the
// organiser types. The loader stays the judge: its messages are plainer and it
// also checks what no JSON Schema can state — files that must exist, one date
// after another, colour contrast, ids unique across a list.
//
// The patterns are written for both regular-expression dialects that meet
// them: ECMAScript (editors' YAML language servers) and Go's RE2 (the tests).
// So: no look-around, no \p{…} classes, no inline flags.
const (
	// webPattern: http(s)://, a site name, then no spaces.
	webPattern = `^\s*[hH][tT][tT][pP][sS]?://[^\s/?#@]+([/?#][^\s]*)?\s*$`
	// originPattern: a site for embed_origins — https:// and a host (no
	// space, ';', ',', quote, wildcard or other punctuation that could
	// change a Content-Security-Policy), or http:// for localhost and
	// loopback test sites; an optional port, nothing after it but an
	// optional slash.
	originPattern = `^\s*([hH][tT][tT][pP][sS]://([^\s/?#@*;,'"` + "`" + `\\<>\[\]:%_!$&()+=~|^{}]+|\[[0-9A-Fa-f:.]+\])|[hH][tT][tT][pP]://([lL][oO][cC][aA][lL][hH][oO][sS][tT]|127(\.[0-9]{1,3}){3}|\[::1\]))(:[0-9]{1,5})?/?\s*$`
	// emailPattern: one address, no display name, a dot in the domain.
	emailPattern = `^\s*[^\s@<>()\[\]:;,"]+@[^\s@<>()\[\]:;,".]+(\.[^\s@<>()\[\]:;,".]+)+\s*$`
	// phonePattern: 7 to 15 digits, the usual separators, + only in front.
	phonePattern = `^\s*\+?[\s\-.()]*([0-9][\s\-.()]*){7,15}$`
	// hashtagPattern: letters, digits and _, no # (Placard adds it). Every
	// ASCII punctuation mark but _ is excluded, so letters of any script pass.
	hashtagPattern = "^\\s*[^\\s!-/:-@\\[-^`{-~]+\\s*$"
	// slugPattern: lower-case letters, digits and single hyphens — page
	// addresses, short addresses, call-to-action ids and redirect names.
	slugPattern = `^\s*[a-z0-9]+(-[a-z0-9]+)*\s*$`
	// positivePattern: a whole number above 0, written as text.
	positivePattern = `^\s*\+?0*[1-9][0-9]*\s*$`
	// languagePattern: a language code such as en, fr, ar or pt-BR.
	languagePattern = `^\s*[a-z]{2,3}(-[A-Za-z0-9]{2,8})*\s*$`
	// currencyPattern: an ISO 4217 code, in capitals.
	currencyPattern = `^\s*[A-Z]{3}\s*$`
	// amountParamPattern: the loader's amountParam.
	amountParamPattern = `^[A-Za-z0-9_.\-\[\]]+$`
	// retentionPattern: the loader's ParseRetention — days, weeks or years.
	retentionPattern = `^\s*0*[1-9][0-9]{0,5}\s*[dDwWyY]\s*$`
	// plainPattern: text shown as written, where HTML would show as code.
	plainPattern = `^[^<>]*$`
	// picturePattern: a path inside the organisation's folder — forward
	// slashes, no segment starting with a dot (so no .. and no hidden
	// files), not from the top of the computer, not a web address — naming
	// a picture the loader serves.
	picturePattern = `^\s*(\./)?([^\s/\\:.][^/\\:]*/)*[^/\\:.][^/\\:]*\.([pP][nN][gG]|[jJ][pP][eE]?[gG]|[gG][iI][fF]|[sS][vV][gG]|[wW][eE][bB][pP])\s*$`
	// endpointPattern: an address Placard calls (webhooks, osdi) —
	// https://, or http:// to this computer only; no user name, no #.
	endpointPattern = `^\s*([hH][tT][tT][pP][sS]://[^\s/?#@]+|[hH][tT][tT][pP]://([lL][oO][cC][aA][lL][hH][oO][sS][tT]|127(\.[0-9]{1,3}){3}|\[::1\])(:[0-9]{1,5})?)([/?][^\s#]*)?\s*$`
	// envPattern: the name of an environment variable (secret_env,
	// api_key_env), never the secret itself.
	envPattern = `^\s*[A-Z_][A-Z0-9_]{0,127}\s*$`
	// eventPattern: a webhook event.
	eventPattern = `^\s*signature\.(created|confirmed|erased)\s*$`
	// filePattern: the same, for downloads (any extension; the loader
	// keeps a list).
	filePattern = `^\s*(\./)?([^\s/\\:.][^/\\:]*/)*[^/\\:.][^/\\:]*\.[A-Za-z0-9]+\s*$`
)

// consentMax is the loader's longest consent sentence.
const consentMax = 500

// formats maps "Type.key" (the Go type holding the setting and the yaml key)
// to the extra constraints of that setting's string form.
var formats = map[string]map[string]any{
	"Org.website":              {"pattern": webPattern},
	"Org.donate":               {"pattern": webPattern},
	"Org.privacy_policy":       {"pattern": webPattern},
	"Org.language":             {"pattern": languagePattern},
	"Org.languages":            {"pattern": languagePattern},
	"Org.consent":              {"pattern": plainPattern, "maxLength": consentMax},
	"Org.contact_permission":   {"pattern": plainPattern, "maxLength": consentMax},
	"Org.retention":            {"pattern": retentionPattern},
	"Campaign.retention":       {"pattern": retentionPattern},
	"Org.embed_origins":        {"pattern": originPattern},
	"Member.link":              {"pattern": webPattern},
	"Member.email":             {"pattern": emailPattern},
	"Person.email":             {"pattern": emailPattern},
	"Person.phone":             {"pattern": phonePattern},
	"Target.email":             {"pattern": emailPattern},
	"Target.phone":             {"pattern": phonePattern},
	"Related.link":             {"pattern": webPattern},
	"MediaItem.link":           {"pattern": webPattern},
	"Destination.link":         {"pattern": webPattern},
	"Destination.amount_param": {"pattern": amountParamPattern},
	"Resource.link":            {"pattern": webPattern},
	"Resource.file":            {"pattern": filePattern},
	"Signatory.link":           {"pattern": webPattern},
	"Image.src":                {"pattern": picturePattern},
	"Action.id":                {"pattern": slugPattern},
	"Campaign.short":           {"pattern": slugPattern},
	"Letter.consent":           {"pattern": plainPattern, "maxLength": consentMax},
	"Petition.consent":         {"pattern": plainPattern, "maxLength": consentMax},
	"Donate.currency":          {"pattern": currencyPattern},
	"Webhook.url":              {"pattern": endpointPattern},
	"Webhook.secret_env":       {"pattern": envPattern},
	"Webhook.events":           {"pattern": eventPattern},
	"OSDI.url":                 {"pattern": endpointPattern},
	"OSDI.api_key_env":         {"pattern": envPattern},
}

// positive lists the whole-number settings that must be above 0.
var positive = map[string]bool{"Letter.goal": true, "Petition.goal": true, "Donate.amounts": true}

// refine adds the format constraints of owner's setting key to s, the
// setting's generated schema, and returns s. Every social profile is a web
// address; hashtags are checked item by item.
func refine(owner reflect.Type, key string, s map[string]any) map[string]any {
	id := owner.Name() + "." + key
	extra := formats[id]
	if owner.Name() == "Social" {
		extra = map[string]any{"pattern": webPattern}
	}
	target := s
	if items, ok := s["items"].(map[string]any); ok {
		// a list: the constraint is on each item
		target = items
	}
	switch {
	case key == "hashtags":
		target["pattern"] = hashtagPattern
	case positive[id]:
		target["pattern"] = positivePattern
		target["minimum"] = 1
	}
	for k, v := range extra {
		target[k] = v
	}
	return s
}

// redirectsSchema is the organisation's redirects: old name → new name, both
// campaign names.
func redirectsSchema() map[string]any {
	return map[string]any{
		"type":                 []any{"object", "null"},
		"propertyNames":        map[string]any{"pattern": slugPattern},
		"additionalProperties": map[string]any{"type": "string", "pattern": slugPattern},
		"examples":             []any{map[string]any{"old-name": "new-name"}},
	}
}

// Share message limits, mirroring the loader's shareLength: the campaign link
// counts 23 characters, in place of {link} or after a space when the message
// has none. Addresses written inside a message also count 23 in the loader,
// which no pattern can express, so the schema's bound is that of a message
// without them; the loader has the last word.
const shareLinkLength = 23

// shareLimit is the schema of one network's message: at most limit
// characters once the link is counted. A message with an address written in
// it is left to the loader, which counts that address as 23 whatever its
// length.
//
// A setting may also be a list of messages the page rotates through
// (campaign.ShareText): then every message in it is held to the limit.
func shareLimit(limit int) map[string]any {
	withPlaceholder := limit - shareLinkLength + len("{link}")
	without := limit - shareLinkLength - 1
	one := map[string]any{
		"if": map[string]any{"type": "string", "not": map[string]any{"pattern": `[hH][tT][tT][pP][sS]?://`}},
		"then": map[string]any{
			"if":   map[string]any{"pattern": `\{link\}`},
			"then": map[string]any{"maxLength": withPlaceholder},
			"else": map[string]any{"maxLength": without},
		},
	}
	// A message written once per language (en: …, ar: …) is bounded in each;
	// a list of messages (rotated) in each of its items.
	each := map[string]any{"allOf": []any{one, map[string]any{"items": one}}}
	return map[string]any{
		"if":   map[string]any{"type": "object"},
		"then": map[string]any{"additionalProperties": each},
		"else": each,
	}
}

// shareLimits is the loader's list of networks whose messages are limited.
var shareLimits = []struct {
	key   string
	limit int
}{{"x", 280}, {"bluesky", 300}, {"mastodon", 500}}

// shareMessagesRules bounds each limited network's own message, and the
// default message for each limited network without its own.
func shareMessagesRules() []any {
	var rules []any
	for _, n := range shareLimits {
		rules = append(rules,
			map[string]any{"properties": map[string]any{n.key: shareLimit(n.limit)}},
			map[string]any{
				"if":   map[string]any{"not": map[string]any{"required": []any{n.key}}},
				"then": map[string]any{"properties": map[string]any{"default": shareLimit(n.limit)}},
			})
	}
	return rules
}

// summaryShareRule bounds the campaign's summary when a share action has no
// messages and so shares the summary (draft-07 "contains").
func summaryShareRule() map[string]any {
	return map[string]any{
		"if": map[string]any{
			"required": []any{"actions"},
			"properties": map[string]any{"actions": map[string]any{
				"type": "array",
				"contains": map[string]any{
					"required":   []any{"kind"},
					"properties": map[string]any{"kind": map[string]any{"const": "share"}},
					"not": map[string]any{
						"required":   []any{"messages"},
						"properties": map[string]any{"messages": map[string]any{"type": "object"}},
					},
				},
			}},
		},
		// X's limit is the lowest of the three.
		"then": map[string]any{"properties": map[string]any{"summary": shareLimit(shareLimits[0].limit)}},
	}
}
