package webhook

import (
	"encoding/json"
	"net/url"
	"strings"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/signing"
)

// OSDIRecord is the body Action Network's record signature helper takes
// (POST …/petitions/ID/signatures, header OSDI-API-Token): the signature's
// identifiers and comments with the person to create or match by email.
// An unsubscribe (Unsubscribed) is the person alone, the body of Action
// Network's person signup helper (unsubscribeURL).
//
// Checked against Action Network's API documentation (record signature
// helper, signatures, person signup helper): the referrer data of a
// signature is the Action Network-only field action_network:referrer_data
// (source, website), not OSDI's plain referrer_data, which Action Network
// does not read; and the record signature helper takes no email status
// but subscribed, so an unsubscribe sent there changed nothing — only the
// person signup helper (POST …/api/v2/people/) takes unsubscribed.
type OSDIRecord struct {
	Identifiers  []string      `json:"identifiers,omitempty"`
	Comments     string        `json:"comments,omitempty"`
	Person       OSDIPerson    `json:"person"`
	ReferrerData *ReferrerData `json:"action_network:referrer_data,omitempty"`
}

// OSDIPerson is the person part of an OSDIRecord.
type OSDIPerson struct {
	GivenName       string          `json:"given_name,omitempty"`
	FamilyName      string          `json:"family_name,omitempty"`
	EmailAddresses  []EmailAddress  `json:"email_addresses"`
	PostalAddresses []PostalAddress `json:"postal_addresses,omitempty"`
	PhoneNumbers    []PhoneNumber   `json:"phone_numbers,omitempty"`
}

// ReferrerData says where the signature was made.
type ReferrerData struct {
	Source  string `json:"source,omitempty"`
	Website string `json:"website,omitempty"`
}

// osdiRecord is the record of s. Only signers who gave permission to be
// contacted are sent (see Messages), so their address goes as subscribed.
func osdiRecord(s *signing.Signature, c *campaign.Campaign, base string) OSDIRecord {
	given, family := NameParts(s)
	r := OSDIRecord{
		Identifiers: []string{identifier(s)},
		Comments:    s.Comment,
		Person: OSDIPerson{GivenName: given, FamilyName: family,
			EmailAddresses: []EmailAddress{{Address: address(s), Status: "subscribed"}}},
		ReferrerData: &ReferrerData{Source: "placard"},
	}
	if s.Postcode != "" || s.Country != "" {
		r.Person.PostalAddresses = []PostalAddress{{PostalCode: s.Postcode, Country: s.Country}}
	}
	if s.Phone != "" {
		r.Person.PhoneNumbers = []PhoneNumber{{Number: s.Phone}}
	}
	if base != "" {
		r.ReferrerData.Website = strings.TrimSuffix(base, "/") + "/" + s.Org + "/" + s.Campaign
	}
	return r
}

// unsubscribeURL is where an unsubscribe for the petition endpoint u goes:
// Action Network's person signup helper, the people collection beside
// the petitions (…/api/v2/petitions/ID/signatures → …/api/v2/people/).
// ok is false when u is not a petition's signatures endpoint (another
// system with the same API): the record then goes to u, as before.
func unsubscribeURL(u *url.URL) (_ *url.URL, ok bool) {
	p := strings.TrimSuffix(u.Path, "/")
	i := strings.LastIndex(p, "/petitions/")
	if i < 0 {
		return nil, false
	}
	id, rest, found := strings.Cut(p[i+len("/petitions/"):], "/")
	if !found || id == "" || rest != "signatures" {
		return nil, false
	}
	v := *u
	v.Path, v.RawPath = p[:i]+"/people/", ""
	return &v, true
}

// personSignup is the body of an unsubscribe (unsubscribes(payload)) for
// Action Network's person signup helper: the person's email addresses
// alone, as Unsubscribed queues it now. An unsubscribe queued before
// (stop 27) carried the record signature helper's shape, the signature's
// identifier beside the person; still in an outbox after an upgrade, it
// is sent in the new shape, so no field the person signup helper does not
// define reaches it. A payload that does not read as a record goes as it
// is (unsubscribes read it, so it does).
func personSignup(payload []byte) []byte {
	var r OSDIRecord
	if json.Unmarshal(payload, &r) != nil {
		return payload
	}
	addrs := make([]EmailAddress, 0, len(r.Person.EmailAddresses))
	for _, e := range r.Person.EmailAddresses {
		addrs = append(addrs, EmailAddress{Address: e.Address, Status: e.Status})
	}
	return mustJSON(OSDIRecord{Person: OSDIPerson{EmailAddresses: addrs}})
}
