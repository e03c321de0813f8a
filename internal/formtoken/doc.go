// Package formtoken signs and checks the signing forms' tokens, remembers
// which have signed, and seals the claims that carry a new signer's
// personal link to the thank-you page. It is a mechanism only: it knows
// nothing of HTTP, pages or the store (the claims' one-showing record is a
// function the caller passes in).
package formtoken
