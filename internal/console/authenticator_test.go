package console

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-webauthn/webauthn/protocol/webauthncbor"
)

// softKey is a passkey made in Go, for ceremonies without a browser: a
// P-256 key, its credential id, and whether its authenticator checks who
// is using it (user verification: a PIN, a fingerprint) or only that
// someone touched it.
type softKey struct {
	key      *ecdsa.PrivateKey
	id       []byte
	verifies bool
	count    uint32 // the signature counter the next authenticator data carries
}

func newSoftKey(t *testing.T, verifies bool) *softKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	id := make([]byte, 16)
	rand.Read(id)
	return &softKey{key: k, id: id, verifies: verifies}
}

var b64 = base64.RawURLEncoding

// authData is the authenticator data for rpID, with the credential and its
// public key when attested (registration).
func (k *softKey) authData(t *testing.T, rpID string, attested bool) []byte {
	t.Helper()
	rp := sha256.Sum256([]byte(rpID))
	flags := byte(0x01) // user present
	if k.verifies {
		flags |= 0x04
	}
	if attested {
		flags |= 0x40
	}
	out := binary.BigEndian.AppendUint32(append(rp[:], flags), k.count)
	if attested {
		x, y := k.key.PublicKey.X.FillBytes(make([]byte, 32)), k.key.PublicKey.Y.FillBytes(make([]byte, 32))
		cose, err := webauthncbor.Marshal(map[int]any{1: 2, 3: -7, -1: 1, -2: x, -3: y})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, make([]byte, 16)...) // AAGUID
		out = binary.BigEndian.AppendUint16(out, uint16(len(k.id)))
		out = append(out, k.id...)
		out = append(out, cose...)
	}
	return out
}

// options reads the challenge and relying party of a begin's answer.
func ceremonyOptions(t *testing.T, res *http.Response) (challenge, rpID string) {
	t.Helper()
	var o struct {
		PublicKey struct {
			Challenge string `json:"challenge"`
			RP        struct {
				ID string `json:"id"`
			} `json:"rp"`
			RPID string `json:"rpId"`
		} `json:"publicKey"`
	}
	if res.StatusCode != http.StatusOK || json.NewDecoder(res.Body).Decode(&o) != nil || o.PublicKey.Challenge == "" {
		t.Fatalf("a ceremony's options: %d", res.StatusCode)
	}
	rpID = o.PublicKey.RP.ID
	if rpID == "" {
		rpID = o.PublicKey.RPID
	}
	return o.PublicKey.Challenge, rpID
}

func clientData(typ, challenge string) []byte {
	b, _ := json.Marshal(map[string]any{"type": typ, "challenge": challenge, "origin": testBase, "crossOrigin": false})
	return b
}

// register answers a registration's options as the browser would.
func (k *softKey) register(t *testing.T, res *http.Response) []byte {
	t.Helper()
	challenge, rpID := ceremonyOptions(t, res)
	att, err := webauthncbor.Marshal(map[string]any{"fmt": "none", "attStmt": map[string]any{}, "authData": k.authData(t, rpID, true)})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(map[string]any{
		"id": b64.EncodeToString(k.id), "rawId": b64.EncodeToString(k.id), "type": "public-key",
		"response": map[string]any{
			"clientDataJSON":    b64.EncodeToString(clientData("webauthn.create", challenge)),
			"attestationObject": b64.EncodeToString(att),
			"transports":        []string{"internal"},
		},
		"clientExtensionResults": map[string]any{},
	})
	return b
}

// assert answers a sign-in's options as the browser would, for the
// organiser whose user handle is handle.
func (k *softKey) assert(t *testing.T, res *http.Response, handle string) []byte {
	t.Helper()
	challenge, rpID := ceremonyOptions(t, res)
	ad := k.authData(t, rpID, false)
	cd := clientData("webauthn.get", challenge)
	cdh := sha256.Sum256(cd)
	digest := sha256.Sum256(append(append([]byte(nil), ad...), cdh[:]...))
	sig, err := ecdsa.SignASN1(rand.Reader, k.key, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(map[string]any{
		"id": b64.EncodeToString(k.id), "rawId": b64.EncodeToString(k.id), "type": "public-key",
		"response": map[string]any{
			"clientDataJSON":    b64.EncodeToString(cd),
			"authenticatorData": b64.EncodeToString(ad),
			"signature":         b64.EncodeToString(sig),
			"userHandle":        b64.EncodeToString([]byte(handle)),
		},
		"clientExtensionResults": map[string]any{},
	})
	return b
}

// postJSON sends a passkey ceremony's JSON as passkey.js does.
func (b *browser) postJSON(path string, body []byte) *http.Response {
	b.e.t.Helper()
	r := httptest.NewRequest(http.MethodPost, testBase+path, bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Sec-Fetch-Site", "same-origin")
	r.Header.Set("Origin", testBase)
	for k, v := range b.cookies {
		r.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	w := httptest.NewRecorder()
	b.e.h.ServeHTTP(w, r)
	res := w.Result()
	for _, ck := range res.Cookies() {
		if ck.MaxAge < 0 || ck.Value == "" {
			delete(b.cookies, ck.Name)
		} else {
			b.cookies[ck.Name] = ck.Value
		}
	}
	return res
}
