package signing

// Reach: how supporters arrive and what their sharing brings. Everything
// here is kept as counts only. No signature row records where its signer
// came from or whose link they followed, and no personal link records whose
// it is: a person who signs a political letter must never be tied, by the
// database, to the person who asked them to.

// Reach is how one signer arrived, and the personal share link to create
// for them. A store turns it into counts in the same transaction as the
// signature (see store.Store.AddSignatures) and never writes it on the
// signature's row.
type Reach struct {
	// Source is the share source the signer's page was reached through,
	// such as "x", "email" or "qr", or "" when the address carried none.
	Source string
	// Referrer is the token of the personal link the signer followed, or ""
	// for none. The link's count goes up by one if the signature is new.
	Referrer string
	// NewLink is the personal link to create for this signer; a zero Token
	// means none. After AddSignatures, a Token the store could not use (an
	// improbable clash with an existing link) is cleared, so the caller
	// never hands out a link that credits someone else.
	NewLink Referral
}

// Referral is a supporter's personal share link, as created.
type Referral struct {
	// Token is the short, unguessable code in the public link (?ref=TOKEN).
	// It comes from crypto/rand and is never derived from personal data.
	Token string
	// SecretHash is the SHA-256 of the private key that opens the link's own
	// page; the key itself is shown to the supporter once and never stored.
	SecretHash [32]byte
}

// Arrivals is how many page views of one campaign came through one source
// since the last flush.
type Arrivals struct {
	Org, Campaign, Source string
	Count                 int
}

// SourceCount is what one share source brought one campaign: page views
// that arrived with its tag, and new signatures made from such a page.
type SourceCount struct {
	Source     string
	Arrivals   int
	Signatures int
}

// ReferralCount is one personal link and the signatures it brought.
type ReferralCount struct {
	Org, Campaign, Token string
	Signatures           int
}
