// Package export writes one campaign's signatures in the formats Placard
// offers (`placard signatures export` and the console's downloads): CSV
// with one header row, and JSON, one array of objects with the same names.
// Both stream: a large campaign never sits in memory whole.
package export

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/placard/placard/internal/signing"
)

// Formats are the export formats, in the order they are offered.
var Formats = []string{"csv", "json"}

// ContentType is the media type of each format's download.
var ContentType = map[string]string{
	"csv":  "text/csv; charset=utf-8",
	"json": "application/json",
}

// Columns is the CSV header, in order; JSON uses the same names.
var Columns = []string{
	"id", "organisation_slug", "campaign_slug", "action", "kind", "status",
	"name", "given_name", "family_name", "email", "postcode", "country", "phone", "comment",
	"organisation", "role", "public", "consent_text", "consent_at",
	"contact_permission", "contact_permission_at", "language", "created_at",
}

// Record is one signature as exported. It lists every field the signer
// gave plus the consent evidence; a Signature holds nothing IP-derived, and
// neither does this.
type Record struct {
	ID           int64  `json:"id"`
	OrgSlug      string `json:"organisation_slug"`
	CampaignSlug string `json:"campaign_slug"`
	Action       string `json:"action"`
	Kind         string `json:"kind"`
	Status       string `json:"status"`
	Name         string `json:"name"`
	// GivenName and FamilyName are the two names as the signer typed
	// them on a form with name_fields: split; both empty on a one-field
	// form (Name is never guessed apart).
	GivenName    string `json:"given_name"`
	FamilyName   string `json:"family_name"`
	Email        string `json:"email"`
	Postcode     string `json:"postcode"`
	Country      string `json:"country"`
	Phone        string `json:"phone"`
	Comment      string `json:"comment"`
	Organisation string `json:"organisation"`
	Role         string `json:"role"`
	Public       bool   `json:"public"`
	ConsentText  string `json:"consent_text"`
	ConsentAt    string `json:"consent_at"`
	// ContactPermission is the sentence of the optional box allowing the
	// organisation to contact the signer later, and ContactPermissionAt
	// when it was ticked; both empty when it was not.
	ContactPermission   string `json:"contact_permission"`
	ContactPermissionAt string `json:"contact_permission_at"`
	Language            string `json:"language"`
	CreatedAt           string `json:"created_at"`
}

func exportTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// ToRecord is s as exported.
func ToRecord(s *signing.Signature) Record {
	return Record{
		ID: s.ID, OrgSlug: s.Org, CampaignSlug: s.Campaign, Action: s.Action,
		Kind: string(s.Kind), Status: string(s.Status),
		Name: s.Name, GivenName: s.GivenName, FamilyName: s.FamilyName,
		Email: s.Email, Postcode: s.Postcode, Country: s.Country,
		Phone: s.Phone, Comment: s.Comment, Organisation: s.Organisation, Role: s.Role,
		Public: s.Public, ConsentText: s.ConsentText, ConsentAt: exportTime(s.ConsentAt),
		ContactPermission: s.ContactText, ContactPermissionAt: exportTime(s.ContactAt),
		Language: s.Lang, CreatedAt: exportTime(s.CreatedAt),
	}
}

// Cells is r as a CSV row, in Columns' order, before DefuseCell.
func (r Record) Cells() []string {
	return []string{
		strconv.FormatInt(r.ID, 10), r.OrgSlug, r.CampaignSlug, r.Action, r.Kind, r.Status,
		r.Name, r.GivenName, r.FamilyName, r.Email, r.Postcode, r.Country, r.Phone, r.Comment,
		r.Organisation, r.Role, strconv.FormatBool(r.Public), r.ConsentText, r.ConsentAt,
		r.ContactPermission, r.ContactPermissionAt, r.Language, r.CreatedAt,
	}
}

// DefuseCell prefixes a cell that a spreadsheet would read as a formula
// (starting with = + - @, a tab or a carriage return) with an apostrophe, so
// a signer cannot make the organiser's spreadsheet run something. The
// apostrophe is visible in a text editor but hidden by spreadsheets.
//
// The same goes after every semicolon: a spreadsheet set to a language
// whose list separator is ';' (French, German, Spanish…) splits a CSV line
// at each one, quotes or not, so x;=cmd|… would start a cell of its own
// with a formula there (x;"=cmd|… too: the quote opens the cell). It
// reads x;'=cmd|… instead.
func DefuseCell(s string) string {
	if s == "" {
		return s
	}
	if formulaStart(s) {
		s = "'" + s
	}
	if !strings.Contains(s, ";") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(s, ';')
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i+1])
		s = s[i+1:]
		// A cell there may open with quotes, which the spreadsheet takes
		// away before it looks for a formula.
		if formulaStart(strings.TrimLeft(s, `"`)) {
			b.WriteByte('\'')
		}
	}
}

// formulaStart reports whether a spreadsheet would read a cell starting
// with s as a formula.
func formulaStart(s string) bool {
	return s != "" && strings.IndexByte("=+-@\t\r", s[0]) >= 0
}

// Each calls fn for every signature to export, in order, stopping at fn's
// first error (store.Store.Signatures with its campaign filled in).
type Each func(fn func(*signing.Signature) error) error

// Write writes every signature each gives in format (csv or json) to w and
// returns how many. CSV cells a spreadsheet would run are defused; JSON
// values are exactly as stored, one object per line.
func Write(w io.Writer, format string, each Each) (n int, err error) {
	bw := bufio.NewWriter(w)
	switch format {
	case "csv":
		cw := csv.NewWriter(bw)
		if err := cw.Write(Columns); err != nil {
			return 0, err
		}
		err = each(func(s *signing.Signature) error {
			n++
			cells := ToRecord(s).Cells()
			for i := range cells {
				cells[i] = DefuseCell(cells[i])
			}
			return cw.Write(cells)
		})
		cw.Flush()
		if err == nil {
			err = cw.Error()
		}
	case "json":
		return WriteJSON(w, each, ToRecord)
	default:
		return 0, fmt.Errorf("unknown export format %q", format)
	}
	if err != nil {
		return n, err
	}
	return n, bw.Flush()
}

// WriteJSON writes, for every signature each gives, value's JSON as one
// array to w, written as it is read (memory holds one element), one
// element per line (diffs and grep stay easy), and returns how many: the
// json format (ToRecord) and the command's osdi export
// (webhook.OSDISignature) alike. An empty export is "[]".
func WriteJSON[T any](w io.Writer, each Each, value func(*signing.Signature) T) (n int, err error) {
	bw := bufio.NewWriter(w)
	bw.WriteString("[")
	err = each(func(s *signing.Signature) error {
		b, err := json.Marshal(value(s))
		if err != nil {
			return err
		}
		if n > 0 {
			bw.WriteString(",")
		}
		n++
		bw.WriteString("\n")
		_, err = bw.Write(b)
		return err
	})
	if n > 0 {
		bw.WriteString("\n")
	}
	bw.WriteString("]\n")
	if err != nil {
		return n, err
	}
	return n, bw.Flush()
}
