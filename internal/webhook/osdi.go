package webhook

import (
	"strings"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/signing"
)

// OSDIRecord is the body Action Network's record signature helper takes
// (POST …/petitions/ID/signatures, header OSDI-API-Token): the signature's
// identifiers and comments with the person to create or match by email.
type OSDIRecord struct {
	Identifiers  []string      `json:"identifiers"`
	Comments     string        `json:"comments,omitempty"`
	Person       OSDIPerson    `json:"person"`
	ReferrerData *ReferrerData `json:"referrer_data,omitempty"`
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
