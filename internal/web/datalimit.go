package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"sync"
	"time"
)

// dataLinkEvery is how often one address may be sent a link to its data
// page (data.go: dataRequest). The request form answers anyone, and the
// link is the one email an unsubscribed address still gets, so without
// it anyone could have the organisation mail a signer over and over.
const dataLinkEvery = 10 * time.Minute

// sentRecently remembers, per instance and in memory only, which
// addresses were sent a data-page link and when. It keeps a keyed hash
// under a key made at start, never the address; only addresses that
// signed are recorded, and entries older than the wait are swept. The
// zero value is ready to use.
type sentRecently struct {
	mu   sync.Mutex
	key  []byte
	last map[[sha256.Size]byte]time.Time
}

// allow reports whether email of org may be sent a link at now, and if
// so records it.
func (s *sentRecently) allow(org, email string, now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.key == nil {
		s.key = make([]byte, 32)
		rand.Read(s.key)
		s.last = map[[sha256.Size]byte]time.Time{}
	}
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(org))
	m.Write([]byte{0})
	m.Write([]byte(email))
	var k [sha256.Size]byte
	m.Sum(k[:0])
	if at, ok := s.last[k]; ok && now.Sub(at) < dataLinkEvery && !now.Before(at) {
		return false
	}
	if len(s.last) >= 1024 {
		for h, at := range s.last {
			if now.Sub(at) >= dataLinkEvery || now.Before(at) {
				delete(s.last, h)
			}
		}
	}
	s.last[k] = now
	return true
}
