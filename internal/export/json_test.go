package export_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	"github.com/placard/placard/internal/export"
	"github.com/placard/placard/internal/signing"
)

// TestWriteJSON: the one JSON-array writer the json and osdi exports
// share writes "[]" for nothing, one element per line otherwise, always
// a valid array, and stops at each's error with the count so far.
func TestWriteJSON(t *testing.T) {
	sigs := []*signing.Signature{{ID: 1, Name: "Ana"}, {ID: 2, Name: "</script>\u2028"}}
	each := func(upTo int, fail error) export.Each {
		return func(fn func(*signing.Signature) error) error {
			for _, s := range sigs[:upTo] {
				if err := fn(s); err != nil {
					return err
				}
			}
			return fail
		}
	}
	name := func(s *signing.Signature) string { return s.Name }
	for _, tc := range []struct {
		upTo int
		want string
	}{
		{0, "[]\n"},
		{1, "[\n\"Ana\"\n]\n"},
		{2, "[\n\"Ana\",\n\"\\u003c/script\\u003e\\u2028\"\n]\n"},
	} {
		var buf bytes.Buffer
		n, err := export.WriteJSON(&buf, each(tc.upTo, nil), name)
		if err != nil || n != tc.upTo || buf.String() != tc.want {
			t.Errorf("%d signatures: wrote %d (%v) %q, want %d %q", tc.upTo, n, err, buf.String(), tc.upTo, tc.want)
		}
		var back []string
		if err := json.Unmarshal(buf.Bytes(), &back); err != nil || len(back) != tc.upTo {
			t.Errorf("%d signatures: %q reads back as %v (%v)", tc.upTo, buf.String(), back, err)
		}
	}
	gone := errors.New("the store went away")
	if n, err := export.WriteJSON(&bytes.Buffer{}, each(1, gone), name); n != 1 || !errors.Is(err, gone) {
		t.Errorf("a failing read: wrote %d, %v; want 1 and its error", n, err)
	}
}
