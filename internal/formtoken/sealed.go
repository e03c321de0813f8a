package formtoken

import (
	"bytes"
	"compress/flate"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"sync"
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

// packedMark starts a value SealPacked compressed; a value sealed as it
// is by Seal starts otherwise (a JSON object with '{').
const packedMark = 1

// packLevel is SealPacked's DEFLATE level, chosen by measurement
// (BenchmarkPackLevels, bench/README.md "Contact letters"): on a maximal
// letter level 4 is within 1% of BestCompression's length in Arabic and
// Chinese (the scripts that come near the link's limit) and costs about a
// third less CPU in English. Any level opens with the same reader, so
// links sealed at BestCompression before still open.
const packLevel = 4

// packers keeps DEFLATE writers between letters: making one allocates
// about 800 KB, which cost far more than compressing a letter (the
// writer's construction was most of a contact POST's sealing).
var packers = sync.Pool{New: func() any {
	w, _ := flate.NewWriter(io.Discard, packLevel)
	return w
}}

// SealPacked is Seal of plain compressed first (DEFLATE), for a value
// that must fit in an address however long (a long letter in Arabic or
// Hebrew takes two bytes a letter). Only compress what one person wrote
// for themselves: the length of a sealed value shows how well it
// compressed. It is the costly step of a contact POST: call it only once
// every cheap refusal has been made.
func (s Sealer) SealPacked(plain []byte) string {
	var b bytes.Buffer
	b.Grow(len(plain)/2 + 64)
	b.WriteByte(packedMark)
	w := packers.Get().(*flate.Writer)
	w.Reset(&b)
	w.Write(plain)
	w.Close()
	packers.Put(w)
	return s.Seal(b.Bytes())
}

// OpenPacked opens what SealPacked sealed, and what Seal sealed as it
// was, if it does not start with the mark. A value that inflates to more
// than max bytes is refused (ok false), read no further than max+1: a
// few bytes of DEFLATE can stand for megabytes.
func (s Sealer) OpenPacked(sealed string, max int64) (plain []byte, ok bool) {
	plain, ok = s.Open(sealed)
	if !ok || len(plain) == 0 || plain[0] != packedMark {
		return plain, ok && int64(len(plain)) <= max
	}
	plain, err := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(plain[1:])), max+1))
	if err != nil || int64(len(plain)) > max {
		return nil, false
	}
	return plain, true
}
