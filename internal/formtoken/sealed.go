package formtoken

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
)

// Sealer encrypts and authenticates short values for links (AES-256-GCM,
// key derived from the form-token secret and a purpose), so a value can
// travel in an address, such as a supporter's message to a decision-maker
// in the link that confirms their address, without being stored or read
// on the way. Any instance sharing the secret opens it.
type Sealer struct {
	aead    cipher.AEAD
	purpose []byte
}

// NewSealer returns the Sealer for purpose, keyed from secret.
func NewSealer(secret []byte, purpose string) Sealer {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("placard sealed value key\x00" + purpose))
	block, err := aes.NewCipher(m.Sum(nil))
	if err != nil {
		panic(err) // a 32-byte key is always valid
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		panic(err)
	}
	return Sealer{aead: aead, purpose: []byte(purpose)}
}

// Seal returns plain sealed, as unpadded URL-safe base64.
func (s Sealer) Seal(plain []byte) string {
	nonce := make([]byte, s.aead.NonceSize())
	_, _ = rand.Read(nonce)
	return base64.RawURLEncoding.EncodeToString(s.aead.Seal(nonce, nonce, plain, s.purpose))
}

// Open returns what Seal sealed; ok is false for anything forged, altered,
// malformed or sealed for another purpose.
func (s Sealer) Open(sealed string) (plain []byte, ok bool) {
	raw, err := base64.RawURLEncoding.DecodeString(sealed)
	ns := s.aead.NonceSize()
	if err != nil || len(raw) < ns+s.aead.Overhead() {
		return nil, false
	}
	plain, err = s.aead.Open(nil, raw[:ns], raw[ns:], s.purpose)
	return plain, err == nil
}
