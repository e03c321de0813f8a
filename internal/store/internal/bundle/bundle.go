// Package bundle packs the outbox messages of one signing batch into one
// value, so an engine writes a single row per batch instead of a row (and
// its index entries) per message (issue 14: signing with the outbox on
// within 5% of signing without it). PostgreSQL (migration 018) and SQLite
// (migration 019) store the same packed form; each takes bundles apart
// into ordinary outbox rows before anything claims, lists, changes or
// erases messages.
//
// The packed form: a version byte (Version), then per message its
// signature's place in the batch (from 1) and its fields ID, Kind,
// Target, Email, Org, Campaign and Payload, each a uvarint and the bytes:
// the uvarint is the length plus one, or 0 for the same bytes as the
// previous message's field (a batch's messages mostly share their kind,
// target, organisation and campaign); then NotBefore in microseconds
// since 1970 as a varint, 0 for at once. Version 1 wrote every field in
// full, its uvarint the plain length.
package bundle

import (
	"bytes"
	"encoding/binary"
	"errors"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/placard/placard/internal/signing"
)

// Version is the version byte Append writes.
const Version = 2

// Append packs the messages of sigs, taken in order (order[j] is the
// signature at place j+1), onto b. It allocates nothing when b has room
// (Size).
func Append(b []byte, sigs []*signing.Signature, order []int) []byte {
	b = append(b, Version)
	var prev *signing.Message
	put := func(v, was string) {
		if prev != nil && v == was {
			b = append(b, 0)
			return
		}
		b = binary.AppendUvarint(b, uint64(len(v))+1)
		b = append(b, v...)
	}
	for j, i := range order {
		for k := range sigs[i].Outbox {
			m := &sigs[i].Outbox[k]
			b = binary.AppendUvarint(b, uint64(j+1))
			var was signing.Message
			if prev != nil {
				was = *prev
			}
			put(m.ID, was.ID)
			put(m.Kind, was.Kind)
			put(m.Target, was.Target)
			put(m.Email, was.Email)
			put(m.Org, was.Org)
			put(m.Campaign, was.Campaign)
			if prev != nil && bytes.Equal(m.Payload, was.Payload) {
				b = append(b, 0)
			} else {
				b = binary.AppendUvarint(b, uint64(len(m.Payload))+1)
				b = append(b, m.Payload...)
			}
			var nb int64
			if !m.NotBefore.IsZero() {
				nb = m.NotBefore.UnixMicro()
			}
			b = binary.AppendVarint(b, nb)
			prev = m
		}
	}
	return b
}

// Size is at most how many bytes Append writes for sigs, so its buffer
// is allocated once.
func Size(sigs []*signing.Signature) int {
	n := 1
	for _, s := range sigs {
		for k := range s.Outbox {
			m := &s.Outbox[k]
			n += 3 + 7*3 + 10 + len(m.ID) + len(m.Kind) + len(m.Target) + len(m.Email) + len(m.Org) + len(m.Campaign) + len(m.Payload)
		}
	}
	return n
}

// ErrDamaged is Read's answer to bytes that are not a bundle.
var ErrDamaged = errors.New("a bundle of messages is damaged")

// Read unpacks b: the messages of the signatures whose places keep
// accepts, the others left out (on PostgreSQL, a duplicate's, which sends
// nothing). keep is asked once per message, in order, so it may note
// each kept message's place (its signature's id comes from the place).
// A message's Payload is never nil.
func Read(b []byte, keep func(place uint64) bool) ([]signing.Message, error) {
	if len(b) == 0 || b[0] < 1 || b[0] > Version {
		return nil, ErrDamaged
	}
	v1 := b[0] == 1
	b = b[1:]
	var fs [7][]byte
	first := true
	// field reads the next field into f, reporting false when b is
	// damaged.
	field := func(f *[]byte) bool {
		n, k := binary.Uvarint(b)
		if k <= 0 {
			return false
		}
		b = b[k:]
		if !v1 {
			if n == 0 {
				return !first // the previous message's
			}
			n--
		}
		if n > uint64(len(b)) {
			return false
		}
		*f, b = b[:n], b[n:]
		return true
	}
	var out []signing.Message
	for len(b) > 0 {
		place, k := binary.Uvarint(b)
		if k <= 0 {
			return nil, ErrDamaged
		}
		b = b[k:]
		for i := range fs {
			if !field(&fs[i]) {
				return nil, ErrDamaged
			}
		}
		first = false
		nb, k := binary.Varint(b)
		if k <= 0 {
			return nil, ErrDamaged
		}
		b = b[k:]
		if !keep(place) {
			continue
		}
		// The text fields become text columns, which refuse on
		// PostgreSQL what is not UTF-8 or holds a NUL byte.
		for _, f := range fs[:6] {
			if !utf8.Valid(f) || bytes.IndexByte(f, 0) >= 0 {
				return nil, ErrDamaged
			}
		}
		m := signing.Message{ID: string(fs[0]), Kind: string(fs[1]), Target: string(fs[2]), Email: string(fs[3]),
			Org: string(fs[4]), Campaign: string(fs[5]), Payload: slices.Clone(fs[6])}
		if m.Payload == nil {
			m.Payload = []byte{}
		}
		if nb != 0 {
			m.NotBefore = time.UnixMicro(nb).UTC()
			// Both engines store years 1 to 9999 (SQLite as four digits).
			if y := m.NotBefore.Year(); y < 1 || y > 9999 {
				return nil, ErrDamaged
			}
		}
		out = append(out, m)
	}
	return out, nil
}

// All is Read's keep for a bundle whose every message is kept.
func All(uint64) bool { return true }

// Fields returns the byte strings a bundle of any version holds where one
// of its messages names v in full: v after its length prefix, as Version
// writes it (length plus one) and as version 1 wrote it (the length).
// Erasures find a damaged bundle by these, not by v alone: the prefix
// fixes the field's length, so "ann@example.org" is not found inside
// "joann@example.org" or "ann@example.org.uk", nor an organisation "o"
// inside every bundle that holds the letter.
func Fields(v string) [2][]byte {
	var out [2][]byte
	for i, n := range []uint64{uint64(len(v)) + 1, uint64(len(v))} {
		b := binary.AppendUvarint(nil, n)
		out[i] = append(b, v...)
	}
	return out
}
