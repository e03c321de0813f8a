// Package webhook tells an organisation's own systems about signatures:
// Standard Webhooks deliveries (signed with HMAC-SHA256, bodies shaped like
// OSDI) to the addresses in org.yaml's webhooks, and Action Network's OSDI
// record signature helper (osdi). Messages builds what a signature event
// sends, as outbox messages written with the signature; the deliverers
// post them through a client that refuses private addresses. No SQL, and
// no HTTP serving.
package webhook

import (
	"crypto/sha256"
	"encoding/base32"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/signing"
)

// Event is the body of one webhook delivery: the Standard Webhooks
// envelope (type, timestamp, data) around an OSDI-shaped signature.
type Event struct {
	// Type is the event: signature.created, signature.confirmed or
	// signature.erased.
	Type string `json:"type"`
	// Timestamp is when the event happened (RFC 3339, UTC).
	Timestamp string `json:"timestamp"`
	Data      Data   `json:"data"`
}

// Data is what an event is about.
type Data struct {
	Campaign  Campaign  `json:"campaign"`
	Action    *Action   `json:"action,omitempty"`
	Signature Signature `json:"signature"`
}

// Campaign names the campaign signed.
type Campaign struct {
	Org   string `json:"org"`
	Slug  string `json:"slug,omitempty"`
	Title string `json:"title,omitempty"`
	// URL is the campaign's public address when the server knows its
	// own (serve --base-url).
	URL string `json:"browser_url,omitempty"`
}

// Action is the petition or letter signed.
type Action struct {
	ID   string `json:"id"`
	Kind string `json:"kind"`
}

// Signature is an OSDI signature with its embedded person.
type Signature struct {
	// Identifiers holds "placard:<org>/<campaign>/<id>", stable across
	// events about the same signature.
	Identifiers  []string       `json:"identifiers"`
	CreatedDate  string         `json:"created_date,omitempty"`
	Comments     string         `json:"comments,omitempty"`
	Person       Person         `json:"person"`
	CustomFields map[string]any `json:"custom_fields,omitempty"`
}

// Person is an OSDI person.
type Person struct {
	GivenName       string          `json:"given_name,omitempty"`
	FamilyName      string          `json:"family_name,omitempty"`
	EmailAddresses  []EmailAddress  `json:"email_addresses"`
	PostalAddresses []PostalAddress `json:"postal_addresses,omitempty"`
	PhoneNumbers    []PhoneNumber   `json:"phone_numbers,omitempty"`
	LanguagesSpoken []string        `json:"languages_spoken,omitempty"`
	CustomFields    map[string]any  `json:"custom_fields,omitempty"`
}

// EmailAddress is an OSDI email address.
type EmailAddress struct {
	Address string `json:"address"`
	Primary bool   `json:"primary,omitempty"`
	Status  string `json:"status,omitempty"`
}

// PostalAddress is an OSDI postal address: Placard asks only for a
// postcode and a country.
type PostalAddress struct {
	PostalCode string `json:"postal_code,omitempty"`
	Country    string `json:"country,omitempty"`
	Primary    bool   `json:"primary,omitempty"`
}

// PhoneNumber is an OSDI phone number.
type PhoneNumber struct {
	Number string `json:"number"`
}

// NameParts is s's given and family names: as the signer typed them on a
// form that asks for them apart (name_fields: split), else SplitName of
// the one name.
func NameParts(s *signing.Signature) (given, family string) {
	if s.GivenName != "" || s.FamilyName != "" {
		return s.GivenName, s.FamilyName
	}
	return SplitName(s.Name)
}

// SplitName splits a name as typed into OSDI's given and family names:
// the first word, then the rest. One word is a given name only. A name
// may hold closed bidi isolates (signing.Check); one around several words
// would be cut in two, leaving an isolate open in the given name (it
// reorders what follows it, as Action Network's "Hi {given_name}," line)
// and a PDI closing nothing in the family name: the parts then go without
// their isolates (TestSplitNameKeepsIsolatesClosed).
func SplitName(name string) (given, family string) {
	name = strings.TrimSpace(name)
	if i := strings.IndexAny(name, " \u00a0"); i > 0 {
		given, family = name[:i], strings.TrimSpace(name[i+1:])
		if !isolatesClosed(given) || !isolatesClosed(family) {
			return SplitName(dropIsolates(name)) // holds none: split once
		}
		return given, family
	}
	return name, ""
}

// isolatesClosed reports whether every bidi isolate s opens (LRI, RLI,
// FSI) is closed (PDI) within it, and no PDI closes one it did not open.
func isolatesClosed(s string) bool {
	open := 0
	for _, r := range s {
		switch {
		case r >= '\u2066' && r <= '\u2068':
			open++
		case r == '\u2069':
			if open--; open < 0 {
				return false
			}
		}
	}
	return open == 0
}

// dropIsolates is s without its bidi isolates.
func dropIsolates(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '\u2066' && r <= '\u2069' {
			return -1
		}
		return r
	}, s)
}

func timeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// identifier is the signature's stable OSDI identifier,
// "placard:<org>/<campaign>/<20 letters>": the letters come from a hash of
// the campaign and the address, so every event about one signature (made
// before the store gives it a row id, and after) carries the same one,
// and the address, which the same body holds anyway, is not spelt out.
//
// It hashes the stored form (signing.NormaliseEmail), not the A-label
// form the body carries, so sending addresses in A-labels changed no
// identifier. One case does change: a signature an earlier version
// stored with its domain typed in A-labels ("a@xn--bcher-kva.example"),
// rewritten to the Unicode form at Open (store.EmailForms), carries a
// new identifier in its later events. No function of the address alone
// can keep both that and the far commoner signature typed in Unicode
// from the start (it had the Unicode form's all along); keeping it would
// need the identifier stored with the row. The address, which CRMs match
// a person by, stays the same A-label form.
func identifier(s *signing.Signature) string {
	sum := sha256.Sum256([]byte(s.Org + "\x00" + s.Campaign + "\x00" + s.Email))
	return "placard:" + s.Org + "/" + s.Campaign + "/" + strings.ToLower(base32.StdEncoding.EncodeToString(sum[:])[:20])
}

// address is s's address as it leaves Placard: the domain in A-labels
// (signing.ASCIIEmail, "имя@xn--e1afmkfd.com"), the form mail is
// delivered to. Many CRMs, Action Network among them, refuse an address
// with a Unicode domain, and a person's record must carry the address
// that reaches them. A local part outside ASCII has no other form and
// goes as it is. The message is still filed under the stored form
// (Message.Email), which erasure finds it by, and identifier hashes the
// stored form, so the identifier a CRM already holds does not change.
// An ASCII domain costs nothing.
func address(s *signing.Signature) string { return signing.ASCIIEmail(s.Email) }

// person is the OSDI person of s.
func person(s *signing.Signature) Person {
	given, family := NameParts(s)
	p := Person{GivenName: given, FamilyName: family,
		EmailAddresses: []EmailAddress{{Address: address(s), Primary: true}}}
	if s.Postcode != "" || s.Country != "" {
		p.PostalAddresses = []PostalAddress{{PostalCode: s.Postcode, Country: s.Country, Primary: true}}
	}
	if s.Phone != "" {
		p.PhoneNumbers = []PhoneNumber{{Number: s.Phone}}
	}
	if s.Lang != "" {
		p.LanguagesSpoken = []string{s.Lang}
	}
	p.CustomFields = map[string]any{"full_name": s.Name}
	if s.Organisation != "" {
		p.CustomFields["organisation"] = s.Organisation
	}
	if s.Role != "" {
		p.CustomFields["role"] = s.Role
	}
	return p
}

// signature is the OSDI signature of s, person and all.
func signature(s *signing.Signature) Signature {
	fields := map[string]any{
		"kind":         string(s.Kind),
		"status":       string(s.Status),
		"public":       s.Public,
		"consent_text": s.ConsentText,
		"consent_date": timeText(s.ConsentAt),
		// Permission to contact is a separate choice (contact_permission
		// in org.yaml); a CRM must not mail those who did not give it.
		"contact_permission": !s.ContactAt.IsZero(),
	}
	if !s.ContactAt.IsZero() {
		fields["contact_text"] = s.ContactText
		fields["contact_date"] = timeText(s.ContactAt)
	}
	return Signature{
		Identifiers: []string{identifier(s)}, CreatedDate: timeText(s.CreatedAt),
		Comments: s.Comment, Person: person(s), CustomFields: fields,
	}
}

// OSDISignature is s as an OSDI signature with its embedded person, the
// shape of a webhook's data.signature (and of placard signatures export
// --format osdi).
func OSDISignature(s *signing.Signature) Signature { return signature(s) }

// Occasion says what happened to a signature.
type Occasion struct {
	// Event is signature.created or signature.confirmed.
	Event string
	// Final is true when the signature now counts: at signature.created
	// when no confirmation is asked, at signature.confirmed otherwise.
	// The OSDI record goes out then, and only then.
	Final bool
	// At is when it happened.
	At time.Time
	// BaseURL is the server's public address (serve --base-url), for the
	// campaign's browser_url; "" leaves it out.
	BaseURL string
}

// Messages returns the outbox messages that what happened to s sends for
// its organisation o and campaign c (c may be nil): one per webhook
// subscribed to the event, and the OSDI record when the signature is final,
// the signer gave permission to be contacted and o has an osdi endpoint.
// It returns nil, allocating nothing, when o has no webhooks and no osdi.
func Messages(o *campaign.Org, c *campaign.Campaign, s *signing.Signature, oc Occasion) []signing.Message {
	if o == nil || len(o.Webhooks) == 0 && o.OSDI == nil {
		return nil
	}
	var msgs []signing.Message
	var body []byte
	for _, w := range o.Webhooks {
		if !w.Wants(oc.Event) {
			continue
		}
		if body == nil {
			body = mustJSON(Event{Type: oc.Event, Timestamp: timeText(oc.At), Data: data(o, c, s, oc.BaseURL)})
		}
		msgs = append(msgs, signing.Message{
			ID: signing.NewMessageID(), Kind: signing.MessageWebhook, Target: strings.TrimSpace(w.URL),
			Email: s.Email, Org: s.Org, Campaign: s.Campaign, Payload: body,
		})
	}
	if oc.Final && o.OSDI != nil && !s.ContactAt.IsZero() {
		msgs = append(msgs, signing.Message{
			ID: signing.NewMessageID(), Kind: signing.MessageOSDI, Target: strings.TrimSpace(o.OSDI.URL),
			Email: s.Email, Org: s.Org, Campaign: s.Campaign, Payload: mustJSON(osdiRecord(s, c, oc.BaseURL)),
		})
	}
	return msgs
}

// Erased returns the signature.erased messages for the webhooks of o that
// want them: the erased address, so the CRM can forget the person too.
// Erasure queues them in the erasure's own transaction
// (store.TellErased); they hold the address until delivered, then
// nothing. They are filed under
// no address (Message.Email is empty): an erasure deletes every waiting
// message filed under the address it erases, and a second erasure (the
// data page, then placard signatures erase, while the CRM is down) took
// away the first one's notice, with nothing left to send another.
func Erased(o *campaign.Org, email string, at time.Time) []signing.Message {
	if o == nil {
		return nil
	}
	var msgs []signing.Message
	var body []byte
	for _, w := range o.Webhooks {
		if !w.Wants(campaign.EventSignatureErased) {
			continue
		}
		if body == nil {
			body = mustJSON(Event{Type: campaign.EventSignatureErased, Timestamp: timeText(at), Data: Data{
				Campaign:  Campaign{Org: o.Slug},
				Signature: Signature{Identifiers: []string{}, Person: Person{EmailAddresses: erasedAddresses(email)}},
			}})
		}
		msgs = append(msgs, signing.Message{
			ID: signing.NewMessageID(), Kind: signing.MessageWebhook, Target: strings.TrimSpace(w.URL),
			Org: o.Slug, Payload: body,
		})
	}
	return msgs
}

// erasedAddresses are the addresses a signature.erased notice for email
// names: email itself, the primary one, and every other spelling the
// organisation's systems may hold it under (signing.EmailSpellings: the
// A-label form of a Unicode domain, which an earlier version stored and
// told them as typed), so erasing the one mailbox reaches each record.
// The primary one is the form every other event names as primary
// (address: the domain in A-labels), so a receiver that forgets a person
// by the primary address finds the one it was given.
func erasedAddresses(email string) []EmailAddress {
	cur := signing.CurrentForm(email)
	out := []EmailAddress{{Address: signing.ASCIIEmail(cur), Primary: true}}
	for _, e := range append([]string{email}, signing.EmailSpellings(cur)...) {
		if !slices.ContainsFunc(out, func(a EmailAddress) bool { return a.Address == e }) {
			out = append(out, EmailAddress{Address: e})
		}
	}
	return out
}

func data(o *campaign.Org, c *campaign.Campaign, s *signing.Signature, base string) Data {
	d := Data{Campaign: Campaign{Org: s.Org, Slug: s.Campaign}, Signature: signature(s)}
	if c != nil {
		d.Campaign.Title = c.Title
	}
	if base != "" {
		d.Campaign.URL = strings.TrimSuffix(base, "/") + "/" + s.Org + "/" + s.Campaign
	}
	if s.Action != "" {
		kind := "petition"
		if s.Kind == signing.KindOrganisation {
			kind = "letter"
		}
		if c != nil {
			for _, a := range c.Actions {
				if a.ID == s.Action {
					kind = string(a.Kind)
				}
			}
		}
		d.Action = &Action{ID: s.Action, Kind: kind}
	}
	return d
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		// Only strings, booleans and maps of them: cannot fail.
		panic(err)
	}
	return b
}
