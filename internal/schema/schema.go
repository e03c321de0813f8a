// Package schema describes Placard's YAML files as a JSON Schema (draft-07)
// and as a Markdown reference, both generated from the campaign package's Go
// types so neither can drift from what the loader reads.
//
// The structure comes from reflection over the yaml tags; the descriptions
// come from the doc comments in internal/campaign/campaign.go, copied into
// docs_gen.go by TestDocsGenFresh (go test ./internal/schema -update), so the
// binary needs no source at run time. The test fails when docs_gen.go is stale.
//
// The schema is deliberately inline (no $ref or $defs): YAML language servers
// handle draft-07 without references best.
package schema

import (
	"reflect"
	"regexp"
	"strings"
	"time"

	"github.com/placard/placard/internal/campaign"
)

// DraftURL is the meta-schema every generated schema names.
const DraftURL = "http://json-schema.org/draft-07/schema#"

var (
	timeType     = reflect.TypeFor[time.Time]()
	durationType = reflect.TypeFor[time.Duration]()
	relatedType  = reflect.TypeFor[campaign.Related]()
	actionType   = reflect.TypeFor[campaign.Action]()
	markdownType = reflect.TypeFor[campaign.Markdown]()
	shareTextTyp = reflect.TypeFor[campaign.ShareText]()
	targetsType  = reflect.TypeFor[[]campaign.Target]()
)

// Patterns the loader accepts for dates, lengths of time, whole numbers
// written as text, and true/false words (see internal/campaign/decode.go).
const (
	datePattern     = `^\s*(19|2[01])\d{2}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2}))?\s*$`
	durationPattern = `^\s*((\d+(\.\d+)?\s*(ns|us|µs|ms|s|m|h)\s*)+|\d{1,3}(:\d{2}){1,2})\s*$`
	intPattern      = `^\s*[+-]?\d+\s*$`
	boolPattern     = `^\s*(true|True|TRUE|yes|Yes|YES|on|On|ON|false|False|FALSE|no|No|NO|off|Off|OFF)\s*$`
)

// enums lists the allowed values of the named string types and of fields
// whose values are fixed lists; a nil entry in a list means "left empty".
func enumFor(t reflect.Type, key string) []any {
	switch t {
	case reflect.TypeFor[campaign.Status]():
		return []any{"published", "draft", "closed", "victory", nil}
	case reflect.TypeFor[campaign.Delivery]():
		return []any{"count", "names", nil}
	case reflect.TypeFor[campaign.Layout]():
		return []any{"sections", "steps", nil}
	case reflect.TypeFor[campaign.NameFields]():
		return []any{"one", "split", nil}
	case reflect.TypeFor[campaign.Typography]():
		return []any{"verbatim", "smart", nil}
	case reflect.TypeFor[campaign.FieldRule]():
		if key == "email" { // always required: the signer's identity
			return []any{"required", "", nil}
		}
		return []any{"required", "optional", "", nil}
	case reflect.TypeFor[campaign.Kind]():
		out := []any{}
		for _, k := range campaign.Kinds {
			out = append(out, string(k))
		}
		return out
	}
	if t.Kind() == reflect.String && t.PkgPath() == "" && key == "send" {
		return []any{"client", "server", nil}
	}
	if t.Kind() == reflect.String && t.PkgPath() == "" && key == "format" {
		out := []any{}
		for _, f := range campaign.MediaFormats {
			out = append(out, f)
		}
		return append(out, nil)
	}
	return nil
}

// kindTypes maps each kind to the struct holding its own settings: the Action
// field named like the kind's type.
func kindTypes() map[campaign.Kind]reflect.Type {
	m := map[campaign.Kind]reflect.Type{}
	for _, k := range campaign.Kinds {
		name := strings.ToUpper(string(k[:1])) + string(k[1:])
		f, ok := actionType.FieldByName(name)
		if !ok {
			panic("schema: Action has no field for kind " + string(k))
		}
		m[k] = f.Type.Elem()
	}
	return m
}

// Field is one setting of a mapping, in declaration order.
type Field struct {
	Key  string
	Go   string
	Type reflect.Type
}

// Fields lists the settings of struct type t: fields with a yaml tag other than "-".
func Fields(t reflect.Type) []Field {
	var out []Field
	for i := range t.NumField() {
		f := t.Field(i)
		tag := strings.Split(f.Tag.Get("yaml"), ",")[0]
		if tag == "" || tag == "-" || !f.IsExported() {
			continue
		}
		out = append(out, Field{Key: tag, Go: f.Name, Type: f.Type})
	}
	return out
}

// Description returns the organiser-facing description of field goName of
// type t, or "".
func Description(t reflect.Type, goName string) string {
	return fieldDocs[t.Name()+"."+goName]
}

// Org returns the schema of an org.yaml file.
func Org() map[string]any {
	s := object(reflect.TypeFor[campaign.Org]())
	s["type"] = "object" // an empty file is not an organisation
	s["$schema"] = DraftURL
	s["title"] = "Placard organisation (org.yaml)"
	s["description"] = typeDocs["Org"]
	return s
}

// Campaign returns the schema of a campaign file.
func Campaign() map[string]any {
	s := object(reflect.TypeFor[campaign.Campaign]())
	s["type"] = "object" // an empty file is not a campaign
	s["allOf"] = []any{summaryShareRule()}
	s["$schema"] = DraftURL
	s["title"] = "Placard campaign"
	s["description"] = typeDocs["Campaign"]
	return s
}

// required lists, by Go type name, the settings the loader refuses to do
// without (internal/campaign/validate.go); a required setting may not be empty.
var required = map[string][]string{
	"Org":         {"name"},
	"Campaign":    {"title", "summary", "date", "actions"},
	"Image":       {"src", "alt"},
	"Member":      {"name"},
	"Target":      {"name"},
	"MediaItem":   {"title", "link"},
	"Destination": {"name", "link"},
	"Signatory":   {"name"},
	"Statement":   {"body"},
	"Letter":      {"body"},
	"Petition":    {"target", "text"},
	"Contact":     {"targets"},
	"Resources":   {"items"},
}

// requiredOf lists t's required keys and makes their schemas refuse empty values.
func requiredOf(t reflect.Type, props map[string]any) []any {
	var out []any
	for _, k := range required[t.Name()] {
		out = append(out, k)
		p, ok := props[k].(map[string]any)
		if !ok {
			continue
		}
		if ts, ok := p["type"].([]any); ok {
			var kept []any
			for _, x := range ts {
				if x != "null" {
					kept = append(kept, x)
				}
			}
			p["type"] = kept
		}
	}
	return out
}

// colourPattern is a brand colour, #rrggbb or #rgb.
const colourPattern = `^\s*#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})\s*$`

func object(t reflect.Type) map[string]any {
	props := map[string]any{}
	for _, f := range Fields(t) {
		props[f.Key] = withDoc(translatable(t, f, refine(t, f.Key, valueSchema(f.Type, f.Key))), t, f.Go)
		if t == reflect.TypeFor[campaign.Colours]() {
			props[f.Key].(map[string]any)["pattern"] = colourPattern
			props[f.Key].(map[string]any)["examples"] = []any{"#0b5d3b"}
		}
	}
	s := map[string]any{"type": []any{"object", "null"}, "properties": props, "additionalProperties": false}
	if req := requiredOf(t, props); req != nil {
		s["required"] = req
	}
	if t == reflect.TypeFor[campaign.ShareMessages]() {
		s["allOf"] = shareMessagesRules()
	}
	return s
}

func withDoc(s map[string]any, owner reflect.Type, goName string) map[string]any {
	if d := Description(owner, goName); d != "" {
		s["description"] = d
	}
	return s
}

// valueSchema is the schema of one value of Go type t (the setting key is
// used only to pick enumerations).
func valueSchema(t reflect.Type, key string) map[string]any {
	if e := enumFor(t, key); e != nil {
		return map[string]any{"enum": e}
	}
	switch {
	case t == timeType:
		return map[string]any{"type": []any{"string", "null"}, "pattern": datePattern, "examples": []any{"2026-02-10", "2026-02-10T09:00:00Z"}}
	case t == durationType:
		return map[string]any{"type": []any{"string", "null"}, "pattern": durationPattern, "examples": []any{"34m", "1h5m", "1:02:03"}}
	case t == relatedType:
		return map[string]any{"anyOf": []any{
			map[string]any{"type": "string", "description": "a campaign of this site, as slug or org/slug", "examples": []any{"save-the-library"}},
			object(t),
		}}
	case t == shareTextTyp:
		// One message, or a list of messages to rotate.
		one := map[string]any{"type": []any{"string", "number", "boolean"}, "minLength": 1}
		// Or one message per language (en: …, ar: …), as the loader reads it.
		return map[string]any{"anyOf": []any{
			map[string]any{"type": []any{"string", "number", "boolean", "null"}},
			map[string]any{"type": "array", "items": one, "minItems": 1, "maxItems": 10},
			map[string]any{
				"type":                 "object",
				"propertyNames":        map[string]any{"pattern": campaign.LanguageCodePattern},
				"additionalProperties": one,
				"minProperties":        1,
			},
		}}
	case t == actionType:
		return actionSchema()
	case t == targetsType:
		// A list of targets, or the name of a file in targets/.
		return map[string]any{"anyOf": []any{
			map[string]any{"type": "string", "description": "a file in the organisation's targets/ folder, without .csv or .yaml", "examples": []any{"senate"}},
			map[string]any{"type": []any{"array", "null"}, "items": valueSchema(t.Elem(), key)},
		}}
	case t.Kind() == reflect.Pointer:
		return valueSchema(t.Elem(), key)
	case t.Kind() == reflect.Struct:
		return object(t)
	case t == stringsType:
		return map[string]any{"type": []any{"object", "null"},
			"propertyNames":        map[string]any{"pattern": campaign.LanguageCodePattern},
			"additionalProperties": map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "string"}},
			"examples":             []any{map[string]any{"en": map[string]any{"sign.submit.petition": "Add my name"}}}}
	case isRedirects(t):
		return redirectsSchema()
	case t.Kind() == reflect.Slice:
		return map[string]any{"type": []any{"array", "null"}, "items": valueSchema(t.Elem(), key)}
	case t.Kind() == reflect.Int:
		return map[string]any{"type": []any{"integer", "string", "null"}, "pattern": intPattern}
	case t.Kind() == reflect.Bool:
		return map[string]any{"type": []any{"boolean", "string", "null"}, "pattern": boolPattern}
	case t.Kind() == reflect.String:
		// The loader reads any single value as text, so 12345 is a valid postcode.
		s := map[string]any{"type": []any{"string", "number", "boolean", "null"}}
		if t == markdownType {
			s["format"] = "markdown"
		}
		return s
	}
	panic("schema: no schema for Go type " + t.String())
}

var stringsType = reflect.TypeFor[map[string]map[string]string]()

// translatable widens the schema s of a text setting (a string or Markdown
// field the loader lets organisers translate) to text or a mapping of
// language code to text, as the loader reads it.
func translatable(owner reflect.Type, f Field, s map[string]any) map[string]any {
	if f.Type.Kind() != reflect.String || s["enum"] != nil || !campaign.Translatable(owner, f.Key) {
		return s
	}
	return map[string]any{"anyOf": []any{s, map[string]any{
		"type":                 "object",
		"description":          "the text in each of the organisation's languages, such as en: … and ar: …",
		"propertyNames":        map[string]any{"pattern": campaign.LanguageCodePattern},
		"additionalProperties": s,
		"minProperties":        1,
	}}}
}

// actionSchema is one flat mapping: the common settings plus every kind's own,
// with if/then narrowing the allowed keys to those of the chosen kind.
func actionSchema() map[string]any {
	props := map[string]any{}
	common := Fields(actionType)
	var commonKeys []any
	for _, f := range common {
		props[f.Key] = withDoc(translatable(actionType, f, refine(actionType, f.Key, valueSchema(f.Type, f.Key))), actionType, f.Go)
		commonKeys = append(commonKeys, f.Key)
	}
	kinds := kindTypes()
	seenType := map[string]reflect.Type{}
	var branches []any
	for _, k := range campaign.Kinds {
		kt := kinds[k]
		keys := append([]any(nil), commonKeys...)
		own := map[string]any{}
		for _, f := range Fields(kt) {
			if isCommon(common, f.Key) {
				continue // the kind's own setting of a common name has the same type
			}
			keys = append(keys, f.Key)
			own[f.Key] = withDoc(translatable(kt, f, refine(kt, f.Key, valueSchema(f.Type, f.Key))), kt, f.Go)
			switch prev, ok := seenType[f.Key]; {
			case !ok:
				seenType[f.Key] = f.Type
				props[f.Key] = own[f.Key]
			case prev != f.Type:
				// Two kinds give the key different shapes (items of listen and
				// resources): the kind's branch below decides.
				props[f.Key] = map[string]any{"description": "Depends on the kind; see the kind's own description."}
			}
		}
		then := map[string]any{"properties": own, "propertyNames": map[string]any{"enum": keys}}
		if req := requiredOf(kt, own); req != nil {
			then["required"] = req
		}
		branches = append(branches, map[string]any{
			"if":   map[string]any{"properties": map[string]any{"kind": map[string]any{"const": string(k)}}, "required": []any{"kind"}},
			"then": then,
		})
	}
	return map[string]any{
		"type":                 "object",
		"description":          typeDocs["Action"],
		"required":             []any{"kind"},
		"properties":           props,
		"additionalProperties": false,
		"allOf":                branches,
	}
}

func isCommon(common []Field, key string) bool {
	for _, f := range common {
		if f.Key == key {
			return true
		}
	}
	return false
}

var goWord = regexp.MustCompile(`\b[A-Z][A-Za-z]*\b`)

// organiserText rewrites a Go doc comment for organisers: the struct's Go
// field names become the yaml keys organisers write, and lines are joined.
func organiserText(doc string, names map[string]string) string {
	doc = strings.Join(strings.Fields(doc), " ")
	return goWord.ReplaceAllStringFunc(doc, func(w string) string {
		if k, ok := names[w]; ok {
			return k
		}
		return w
	})
}

// isRedirects reports whether t is the organisation's redirect list, which
// organisers write as a mapping of old slug to new slug.
func isRedirects(t reflect.Type) bool {
	return t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Struct && t.Elem().Name() == "Redirect" &&
		t.Elem().PkgPath() == reflect.TypeFor[campaign.Org]().PkgPath()
}
