// Package targets reads an organisation's decision-makers and its lookup
// tables (what a supporter types → districts) from the files beside its
// campaigns: targets/<name>.csv or .yaml, and lookup tables such as
// targets/postcodes.csv. It knows nothing of HTTP, SQL or HTML; the campaign
// loader calls it and reports its problems like every other file's.
package targets

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/placard/placard/internal/spell"
)

// Target is one decision-maker.
type Target struct {
	// ID is the target's short name, unique in its file, kept in outreach
	// counts; it defaults to the name in lower case with hyphens.
	ID string
	// Name is how the target is addressed, such as "Senator Ada Moss".
	Name string
	// Title is their office, such as "State Senator, North Shore district".
	Title string
	// Party is their party, if any.
	Party string
	// District is the place they represent; lookup tables map postcodes to it.
	District string
	// Phones are their office numbers, the main office first.
	Phones []string
	// Email is their office email address.
	Email string
	// Address is their postal address.
	Address string
	// Photo is a picture's path inside the organisation's folder.
	Photo string
	// PhotoCol is the column Photo was written in, for messages about the file.
	PhotoCol int
	// Languages are the languages the office answers in (en, fr, …).
	Languages []string
	// Hours are the office hours, as the organiser writes them.
	Hours string
	// Line is the row (CSV) or line (YAML) the target was written on.
	Line int
}

// Problem is something wrong in a targets or lookup file, at a 1-based line
// and column (a CSV's column counts cells, so it points at the cell).
type Problem struct {
	Line, Col int
	Message   string
	Warning   bool
}

// Columns lists the columns a targets file may have, in the order the guide
// gives them. role and region are accepted for title and district.
var Columns = []string{"id", "name", "title", "party", "district", "phone", "email", "address", "photo", "languages", "hours"}

// aliases are other words organisers use for a column.
var aliases = map[string]string{
	"role": "title", "office": "title", "region": "district", "phones": "phone",
	"telephone": "phone", "tel": "phone", "language": "languages", "office_hours": "hours",
	"picture": "photo", "postal_address": "address", "e-mail": "email", "mail": "email",
}

// MaxTargets is the most targets one file may hold: a national parliament fits.
const MaxTargets = 5000

// ParseCSV reads a targets file written as CSV: a header row naming the
// columns, then one target per row. Several phone numbers or languages are
// separated by ';'. It returns every problem at once.
func ParseCSV(src []byte) ([]Target, []Problem) {
	rows, probs := readCSV(src)
	if len(rows) == 0 {
		if len(probs) == 0 {
			probs = append(probs, Problem{Line: 1, Col: 1, Message: "this targets file is empty — start it with a header row such as  id,name,title,district,phone,email  and add one row per decision-maker"})
		}
		return nil, probs
	}
	head := rows[0]
	cols := make([]string, len(head.cells))
	seen := map[string]int{}
	for i, h := range head.cells {
		name := normColumn(h)
		if a, ok := aliases[name]; ok {
			name = a
		}
		switch {
		case name == "":
			probs = append(probs, Problem{Line: head.line, Col: i + 1, Message: fmt.Sprintf("column %d has no name in the header row — name it (%s) or remove it", i+1, strings.Join(Columns, ", "))})
		case !slices.Contains(Columns, name):
			msg := fmt.Sprintf("a targets file has no column %q", strings.TrimSpace(h))
			if s := spell.Closest(name, Columns); s != "" {
				msg += fmt.Sprintf(" — did you mean %q?", s)
			} else {
				msg += " — its columns are " + strings.Join(Columns, ", ")
			}
			probs = append(probs, Problem{Line: head.line, Col: i + 1, Message: msg})
			name = ""
		case seen[name] > 0:
			probs = append(probs, Problem{Line: head.line, Col: i + 1, Message: fmt.Sprintf("the column %q appears twice in the header row (also column %d) — keep one", name, seen[name])})
			name = ""
		default:
			seen[name] = i + 1
		}
		cols[i] = name
	}
	if seen["name"] == 0 {
		probs = append(probs, Problem{Line: head.line, Col: 1, Message: "the header row has no 'name' column — add one: every decision-maker needs a name"})
		return nil, probs
	}
	if len(rows)-1 > MaxTargets {
		probs = append(probs, Problem{Line: rows[MaxTargets+1].line, Col: 1, Message: fmt.Sprintf("a targets file may hold at most %d targets — split it into several files", MaxTargets)})
		return nil, probs
	}
	var out []Target
	for _, r := range rows[1:] {
		if blank(r.cells) {
			continue
		}
		if len(r.cells) != len(cols) {
			probs = append(probs, Problem{Line: r.line, Col: 1, Message: fmt.Sprintf("this row has %d cells but the header row has %d columns — check for a missing or extra comma (put text containing commas in double quotes)", len(r.cells), len(cols))})
			continue
		}
		t := Target{Line: r.line}
		cells := map[string]cell{}
		for i, c := range r.cells {
			if cols[i] != "" {
				cells[cols[i]] = cell{strings.TrimSpace(c), r.line, i + 1}
			}
		}
		probs = fill(&t, cells, r.line, probs)
		out = append(out, t)
	}
	idCol := seen["id"]
	if idCol == 0 {
		idCol = seen["name"]
	}
	return out, append(probs, duplicates(out, func(t Target) (int, int) { return t.Line, idCol })...)
}

// cell is one value with its column, for messages.
type cell struct {
	v         string
	line, col int
}

// fill sets t's fields from its cells, checking each.
func fill(t *Target, cells map[string]cell, line int, probs []Problem) []Problem {
	bad := func(col, format string, args ...any) {
		c := cells[col]
		if c.line == 0 {
			c.line, c.col = line, 1
		}
		probs = append(probs, Problem{Line: c.line, Col: c.col, Message: fmt.Sprintf(format, args...)})
	}
	t.Name = cells["name"].v
	t.Title = cells["title"].v
	t.Party = cells["party"].v
	t.District = cells["district"].v
	t.Email = cells["email"].v
	t.Address = cells["address"].v
	t.Photo, t.PhotoCol = cells["photo"].v, cells["photo"].col
	t.Hours = cells["hours"].v
	for _, s := range strings.Split(cells["languages"].v, ";") {
		if s = strings.TrimSpace(s); s != "" {
			t.Languages = append(t.Languages, s)
		}
	}
	for _, s := range strings.Split(cells["phone"].v, ";") {
		if s = strings.TrimSpace(s); s != "" {
			t.Phones = append(t.Phones, s)
		}
	}
	if t.Name == "" {
		bad("name", "this target has no name — write the decision-maker's name in the 'name' column")
	}
	for k, c := range cells {
		if strings.ContainsFunc(c.v, unicode.IsControl) {
			bad(k, "the %s holds a control character — retype it", k)
		} else if utf8.RuneCountInString(c.v) > 500 {
			bad(k, "the %s is %d characters long — keep it to 500 or fewer", k, utf8.RuneCountInString(c.v))
		}
	}
	t.ID = cells["id"].v
	if t.ID == "" {
		t.ID = Slug(t.Name)
	} else if !isSlug(t.ID) {
		s := Slug(t.ID)
		if s == "" {
			s = Slug(t.Name)
		}
		bad("id", "the id %q can only use lower-case letters a–z, digits and hyphens — write %s", t.ID, s)
	}
	for _, p := range t.Phones {
		if msg := CheckPhone(p); msg != "" {
			bad("phone", "%s", msg)
		}
	}
	if t.Email != "" {
		if msg := checkEmail(t.Email); msg != "" {
			bad("email", "%s", msg)
		}
	}
	if len(t.Phones) == 0 && t.Email == "" && t.Name != "" {
		bad("name", "this target has neither a phone number nor an email address — add at least one so supporters can reach them")
	}
	if t.Photo != "" && (strings.HasPrefix(t.Photo, "/") || strings.Contains(t.Photo, "..") || strings.Contains(t.Photo, "://")) {
		bad("photo", "the photo %q must be a picture's path inside the organisation's folder, such as assets/moss.jpg", t.Photo)
	}
	for _, l := range t.Languages {
		if !isLang(l) {
			bad("languages", "%q is not a language code — write codes such as en or fr, separated by ';'", l)
		}
	}
	return probs
}

// duplicates reports every target whose id an earlier target already has.
func duplicates(ts []Target, pos func(Target) (int, int)) []Problem {
	var probs []Problem
	first := map[string]int{}
	for _, t := range ts {
		if t.ID == "" {
			continue
		}
		if l, ok := first[t.ID]; ok {
			line, col := pos(t)
			probs = append(probs, Problem{Line: line, Col: col, Message: fmt.Sprintf("the id %q is already used on line %d — give each target its own id (add an 'id' column if two people share a name)", t.ID, l)})
			continue
		}
		first[t.ID] = t.Line
	}
	return probs
}

// CheckPhone returns what is wrong with a phone number supporters will tap,
// or "": digits with the usual separators, + only in front, 7 to 15 digits.
func CheckPhone(s string) string {
	digits := 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' && i == 0, r == ' ', r == '-', r == '.', r == '(', r == ')':
		default:
			return fmt.Sprintf("%q is not a phone number — write digits, spaces, dashes, dots or brackets, with + and the country code in front, like +1 555 0100; separate several numbers with ';'", s)
		}
	}
	if digits < 7 || digits > 15 {
		return fmt.Sprintf("%q has %d digits, but a phone number with its country code has 7 to 15", s, digits)
	}
	return ""
}

func checkEmail(s string) string {
	a, err := mail.ParseAddress(s)
	_, domain, _ := strings.Cut(s, "@")
	if err != nil || a.Address != s || !strings.Contains(domain, ".") || strings.HasSuffix(domain, ".") {
		return fmt.Sprintf("%q is not an email address — write one like office@example.org", s)
	}
	return ""
}

func isLang(s string) bool {
	if len(s) < 2 || len(s) > 8 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '-') {
			return false
		}
	}
	return true
}

// TelURL is a tel: link for a checked phone number: its + and digits only.
func TelURL(phone string) string {
	var b strings.Builder
	b.WriteString("tel:")
	for i, r := range phone {
		if r >= '0' && r <= '9' || r == '+' && i == 0 {
			b.WriteRune(r)
		}
	}
	if b.Len() == len("tel:") {
		return ""
	}
	return b.String()
}

// row is one CSV record with the line it starts on.
type row struct {
	cells []string
	line  int
}

// maxFileSize bounds a targets or lookup file; the loader checks it first.
const maxFileSize = 4 << 20

// readCSV reads every record, reporting a malformed one at its line.
func readCSV(src []byte) ([]row, []Problem) {
	if len(src) > maxFileSize {
		return nil, []Problem{{Message: fmt.Sprintf("this file is larger than %d MB — split it", maxFileSize>>20)}}
	}
	if !utf8.Valid(src) {
		return nil, []Problem{{Message: "this file is not UTF-8 text — save it from your spreadsheet as \"CSV UTF-8\""}}
	}
	src = bytes.TrimPrefix(src, []byte("\uFEFF")) // spreadsheets' byte-order mark
	r := csv.NewReader(bytes.NewReader(src))
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	var rows []row
	var probs []Problem
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				probs = append(probs, Problem{Line: pe.Line, Col: max(pe.Column, 1), Message: "this row cannot be read: " + pe.Err.Error() + " — put text containing commas or quotes in double quotes, and double any quote inside"})
			} else {
				probs = append(probs, Problem{Message: "this file cannot be read: " + err.Error()})
			}
			return rows, probs
		}
		line, _ := r.FieldPos(0)
		rows = append(rows, row{rec, line})
	}
	return rows, probs
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func normColumn(s string) string {
	return strings.NewReplacer(" ", "_", "-", "_").Replace(strings.ToLower(strings.TrimSpace(s)))
}

func isSlug(s string) bool {
	if s == "" || s[0] == '-' || s[len(s)-1] == '-' || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// Slug is s in lower case with every run of other characters one hyphen:
// the id a target without one gets.
func Slug(s string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(r)
			continue
		}
		hyphen = true
	}
	out := b.String()
	if len(out) > 64 {
		out = strings.TrimRight(out[:64], "-")
	}
	return out
}

// Filter picks targets by their fields; an empty field matches every target.
// Matching ignores case.
type Filter struct {
	Title, Party, District string
}

// Match reports whether t passes f. Title matches when it contains f.Title
// ("senator" matches "State Senator, North Shore district").
func (f Filter) Match(t Target) bool {
	return (f.Title == "" || strings.Contains(strings.ToLower(t.Title), strings.ToLower(strings.TrimSpace(f.Title)))) &&
		(f.Party == "" || strings.EqualFold(strings.TrimSpace(f.Party), t.Party)) &&
		(f.District == "" || strings.EqualFold(strings.TrimSpace(f.District), t.District))
}
