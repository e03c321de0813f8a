package web

import (
	"strings"
	"testing"
	"time"

	"github.com/placard/placard/internal/store"
)

// TestPublicSignersShowTheDayOnly: a signer who chose to be shown is
// listed with the day they signed, as the page reads ("5 December 2026"),
// and no more. The <time datetime> beside it gave the second of signing,
// which anyone could line up with the moment a connection was seen to
// post a form (a workplace's or an internet provider's records), tying the
// named signer to that connection; nothing on the page needs more than
// the day.
func TestPublicSignersShowTheDayOnly(t *testing.T) {
	forEachEngine(t, func(t *testing.T, st store.Store) {
		e := newSignEnv(t, st, nil)
		v := e.formValues(t, libraryPage, "petition-form")
		v.Set("public", "yes")
		e.clock.add(5*time.Second + 321*time.Millisecond)
		wantStatus(t, e.post(t, libraryPage+"/sign", v, nil), 303)
		e.poll(t)
		for _, path := range []string{libraryPage} {
			d := doc(t, get(t, e.s, "GET", path, nil))
			if d.Find(".signers .signer-name").Length() != 1 {
				t.Fatalf("%s: the public signer is not listed", path)
			}
			when := d.Find(".signers time")
			if when.Length() == 0 {
				t.Fatalf("%s: no date beside the public signer", path)
			}
			iso := when.AttrOr("datetime", "")
			if _, err := time.Parse(time.DateOnly, iso); err != nil || strings.Contains(iso, ":") {
				t.Errorf("%s: public signer's datetime = %q, want the day alone (YYYY-MM-DD)", path, iso)
			}
		}
	})
}
