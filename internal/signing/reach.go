package signing

import "time"

// Reach: how supporters arrive and what their sharing brings. Everything
// here is kept as counts only. No signature row records where its signer
// came from or whose link they followed, and no personal link records whose
// it is: a person who signs a political letter must never be tied, by the
// database, to the person who asked them to.

// Credit is new signatures one campaign received from pages reached
// through Source ("" for none) and, when Referrer is not "", through that
// personal link. A web server counts them in memory after each signature
// is stored and hands them to the store later, in batches of its own, so
// no database transaction holds both a signature and what it credited
// (see store.Store.AddCredits).
type Credit struct {
	Org, Campaign    string
	Source, Referrer string
	Count            int
	// Age is how long before it was handed to the store the oldest
	// signature it counts was counted (0: just now). A duration, not a
	// time, so no clock but the database's is compared with a removed
	// campaign's (store.Store.AddCredits).
	Age time.Duration
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
