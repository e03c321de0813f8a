package targets

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Lookup maps what a supporter types (a postcode) to the districts it lies
// in. A table row is an exact code ("10115"), a prefix ("EH1*"), or a range
// (code "10000" with to "10999"); a code may map to several districts, one
// row each, as US ZIP codes and UK postcode sectors do.
type Lookup struct {
	exact    map[string][]string
	prefixes []span // longest prefix first
	ranges   []span
}

// span is a prefix (to empty) or an inclusive range of same-length codes.
type span struct {
	from, to string
	district string
}

// Lookup errors, each a message the page can show.
var (
	// ErrNoCode means the supporter typed nothing.
	ErrNoCode = errors.New("targets: no postcode given")
	// ErrBadCode means what was typed cannot be a postcode.
	ErrBadCode = errors.New("targets: not a postcode")
	// ErrUnknownCode means the table has no district for the postcode.
	ErrUnknownCode = errors.New("targets: postcode not in the lookup table")
)

// MaxCodeLen bounds what a supporter may type; postcodes are short.
const MaxCodeLen = 12

// Normalise puts a code in the form tables and input are compared in:
// upper case, without spaces, hyphens or dots. It returns ErrNoCode or
// ErrBadCode for input that cannot be a postcode.
func Normalise(s string) (string, error) {
	if len(s) > 4*MaxCodeLen {
		return "", ErrBadCode
	}
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch {
		case r >= 'A' && r <= 'Z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '.' || r == '\t' || r == '\u00a0':
		default:
			return "", ErrBadCode
		}
	}
	switch {
	case b.Len() == 0:
		return "", ErrNoCode
	case b.Len() > MaxCodeLen:
		return "", ErrBadCode
	}
	return b.String(), nil
}

// Find returns the districts of the code typed, in table order without
// repeats. An exact row wins over ranges, and ranges over prefixes; of
// prefixes, the longest wins.
func (l *Lookup) Find(typed string) ([]string, error) {
	code, err := Normalise(typed)
	if err != nil {
		return nil, err
	}
	if l == nil {
		return nil, ErrUnknownCode
	}
	if ds, ok := l.exact[code]; ok {
		return slices.Clone(ds), nil
	}
	var out []string
	for _, r := range l.ranges {
		if len(code) == len(r.from) && code >= r.from && code <= r.to && sameShape(code, r.from) && !slices.Contains(out, r.district) {
			out = append(out, r.district)
		}
	}
	if len(out) > 0 {
		return out, nil
	}
	best := 0
	for _, p := range l.prefixes {
		if len(p.from) < best {
			break
		}
		if strings.HasPrefix(code, p.from) {
			best = len(p.from)
			if !slices.Contains(out, p.district) {
				out = append(out, p.district)
			}
		}
	}
	if len(out) == 0 {
		return nil, ErrUnknownCode
	}
	return out, nil
}

// sameShape reports whether a and b (of one length) have digits in the
// same places, so 205A0 is not taken for a code between 20000 and 20999.
func sameShape(a, b string) bool {
	for i := range len(a) {
		if (a[i] <= '9') != (b[i] <= '9') {
			return false
		}
	}
	return true
}

// Districts lists every district the table names, in table order.
func (l *Lookup) Districts() []string {
	var out []string
	add := func(d string) {
		if !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	for _, ds := range l.exact {
		for _, d := range ds {
			add(d)
		}
	}
	for _, s := range append(slices.Clone(l.ranges), l.prefixes...) {
		add(s.district)
	}
	slices.Sort(out)
	return out
}

// lookupColumns are a lookup table's columns.
var lookupColumns = []string{"code", "to", "district"}

// MaxLookupRows bounds a lookup table: every postcode sector of a country fits.
const MaxLookupRows = 200000

// ParseLookup reads a lookup table written as CSV with the columns code,
// district and optionally to (the end of a range that starts at code).
// Ranges compare codes of the same length, character by character.
func ParseLookup(src []byte) (*Lookup, []Problem) {
	rows, probs := readCSV(src)
	if len(rows) == 0 {
		if len(probs) == 0 {
			probs = append(probs, Problem{Line: 1, Col: 1, Message: "this lookup table is empty — start it with the header row  code,district  and add one row per postcode"})
		}
		return nil, probs
	}
	head := rows[0]
	col := map[string]int{}
	for i, h := range head.cells {
		name := normColumn(h)
		switch name {
		case "postcode", "zip", "postal_code", "prefix", "from":
			name = "code"
		case "region", "districts":
			name = "district"
		case "until", "through", "end":
			name = "to"
		}
		if !slices.Contains(lookupColumns, name) {
			probs = append(probs, Problem{Line: head.line, Col: i + 1, Message: fmt.Sprintf("a lookup table has no column %q — its columns are code, district and, for ranges, to", strings.TrimSpace(h))})
			continue
		}
		if _, dup := col[name]; dup {
			probs = append(probs, Problem{Line: head.line, Col: i + 1, Message: fmt.Sprintf("the column %q appears twice in the header row — keep one", name)})
			continue
		}
		col[name] = i
	}
	for _, need := range []string{"code", "district"} {
		if _, ok := col[need]; !ok {
			probs = append(probs, Problem{Line: head.line, Col: 1, Message: fmt.Sprintf("the header row has no %q column — a lookup table's header is  code,district  (and to, for ranges)", need)})
		}
	}
	if len(probs) > 0 {
		return nil, probs
	}
	if len(rows)-1 > MaxLookupRows {
		return nil, append(probs, Problem{Line: rows[MaxLookupRows+1].line, Col: 1, Message: fmt.Sprintf("a lookup table may hold at most %d rows", MaxLookupRows)})
	}
	l := &Lookup{exact: map[string][]string{}}
	get := func(r row, name string) string {
		if i, ok := col[name]; ok && i < len(r.cells) {
			return strings.TrimSpace(r.cells[i])
		}
		return ""
	}
	for _, r := range rows[1:] {
		if blank(r.cells) {
			continue
		}
		if len(r.cells) != len(head.cells) {
			probs = append(probs, Problem{Line: r.line, Col: 1, Message: fmt.Sprintf("this row has %d cells but the header row has %d columns — check for a missing or extra comma", len(r.cells), len(head.cells))})
			continue
		}
		raw, to, district := get(r, "code"), get(r, "to"), get(r, "district")
		at := func(name string) int { return col[name] + 1 }
		if district == "" {
			probs = append(probs, Problem{Line: r.line, Col: at("district"), Message: "this row has no district — write the district the code lies in"})
			continue
		}
		if utf8.RuneCountInString(district) > 200 {
			probs = append(probs, Problem{Line: r.line, Col: at("district"), Message: "this district's name is longer than 200 characters"})
			continue
		}
		prefix := strings.HasSuffix(raw, "*")
		code, err := Normalise(strings.TrimSuffix(raw, "*"))
		if err != nil {
			probs = append(probs, Problem{Line: r.line, Col: at("code"), Message: fmt.Sprintf("%q is not a code — write letters and digits (at most %d), a prefix ending in * such as EH1*, or a range's start with its end in the 'to' column", raw, MaxCodeLen)})
			continue
		}
		switch {
		case prefix && to != "":
			probs = append(probs, Problem{Line: r.line, Col: at("to"), Message: "a prefix (ending in *) cannot also have a 'to' — write either a prefix or a range"})
		case prefix:
			l.prefixes = append(l.prefixes, span{from: code, district: district})
		case to != "":
			end, err := Normalise(to)
			switch {
			case err != nil:
				probs = append(probs, Problem{Line: r.line, Col: at("to"), Message: fmt.Sprintf("%q is not a code — write the last code of the range", to)})
			case len(end) != len(code):
				probs = append(probs, Problem{Line: r.line, Col: at("to"), Message: fmt.Sprintf("a range's start and end must have as many characters as each other — %s and %s do not", code, end)})
			case end < code:
				probs = append(probs, Problem{Line: r.line, Col: at("to"), Message: fmt.Sprintf("this range ends (%s) before it starts (%s) — swap them", end, code)})
			default:
				l.ranges = append(l.ranges, span{from: code, to: end, district: district})
			}
		default:
			if !slices.Contains(l.exact[code], district) {
				l.exact[code] = append(l.exact[code], district)
			}
		}
	}
	slices.SortStableFunc(l.prefixes, func(a, b span) int { return len(b.from) - len(a.from) })
	return l, probs
}
