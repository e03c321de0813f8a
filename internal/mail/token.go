package mail

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"time"

	"github.com/placard/placard/internal/signing"
)

// Purpose says what a link from an email may do; a token minted for one
// purpose never opens another.
type Purpose string

// The purposes of links in emails.
const (
	PurposeConfirm     Purpose = "confirm"
	PurposeUnsubscribe Purpose = "unsubscribe"
	PurposeData        Purpose = "data"
	// PurposeDataRequest is the data-page link of a thank-you email: it
	// only asks for a data-page link to be emailed to the address, so a
	// forwarded thank-you opens nothing (web/data.go).
	PurposeDataRequest Purpose = "data-request"
)

// How long each kind of link works.
const (
	// UnsubscribeFor is long: an old email's unsubscribe link must still
	// work (mailbox providers expect it to for months).
	UnsubscribeFor = 400 * 24 * time.Hour
	// DataFor is how long a data-page link works.
	DataFor = 24 * time.Hour
)

// Claims is what a link from an email stands for.
type Claims struct {
	Purpose  Purpose `json:"p"`
	Org      string  `json:"o"`
	Campaign string  `json:"c,omitempty"`
	Email    string  `json:"e"`
	// Lang is the language the pages it opens are shown in.
	Lang string `json:"l,omitempty"`
	// Signed names the one signature a confirmation link confirms: its
	// CreatedAt in microseconds since 1970 (Payload.Signed). 0 in links
	// sealed before links named their signature.
	Signed  int64 `json:"s,omitempty"`
	Expires int64 `json:"x"`
}

// Tokens seals and opens the links of emails. A token is the claims
// encrypted and authenticated with AES-256-GCM under a key derived from
// the installation's secret, so the address it names never appears in a
// URL (nor in a proxy's log of one) and nobody without the secret can
// mint or alter one.
type Tokens struct {
	aead cipher.AEAD
}

// NewTokens derives the keys from the installation's secret.
func NewTokens(secret []byte) *Tokens {
	key := derive(secret, "placard mail link v1")
	block, err := aes.NewCipher(key)
	if err != nil {
		panic(err) // a 32-byte key always makes a cipher
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		panic(err)
	}
	return &Tokens{aead: aead}
}

func derive(secret []byte, label string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(label))
	return m.Sum(nil)
}

// ErrBadToken means a link's token is malformed, forged, for another
// purpose, or expired.
var ErrBadToken = errors.New("mail: the link is not valid")

// Seal returns the token for c.
func (t *Tokens) Seal(c Claims) string {
	plain, _ := json.Marshal(c)
	nonce := make([]byte, t.aead.NonceSize())
	rand.Read(nonce)
	out := t.aead.Seal(nonce, nonce, plain, []byte(c.Purpose))
	return base64.RawURLEncoding.EncodeToString(out)
}

// maxToken bounds what Open reads: a long address and campaign slug fit
// well inside it.
const maxToken = 1024

// Open checks tok for purpose at now and returns its claims.
func (t *Tokens) Open(tok string, purpose Purpose, now time.Time) (Claims, error) {
	if len(tok) > maxToken {
		return Claims{}, ErrBadToken
	}
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || len(raw) < t.aead.NonceSize()+t.aead.Overhead() {
		return Claims{}, ErrBadToken
	}
	n := t.aead.NonceSize()
	plain, err := t.aead.Open(nil, raw[:n], raw[n:], []byte(purpose))
	if err != nil {
		return Claims{}, ErrBadToken
	}
	var c Claims
	if json.Unmarshal(plain, &c) != nil || c.Purpose != purpose || now.Unix() > c.Expires {
		return Claims{}, ErrBadToken
	}
	// A link sealed before an upgrade names the address as it was stored
	// then ("a@xn--bcher-kva.example"); the store now holds its current
	// form, which is what every page the link opens looks up.
	c.Email = signing.CurrentForm(c.Email)
	return c, nil
}

// SignedAt is the moment of the signature a confirmation link names
// (Signed), or the zero time for a link that names none.
func (c Claims) SignedAt() time.Time {
	if c.Signed == 0 {
		return time.Time{}
	}
	return time.UnixMicro(c.Signed).UTC()
}
