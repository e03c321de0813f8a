package campaign

import (
	"testing"
	"time"
)

func TestParseRetention(t *testing.T) {
	for _, c := range []struct {
		in   string
		days int
		ok   bool
	}{
		{"180d", 180, true}, {" 26W ", 182, true}, {"2y", 730, true}, {"1 d", 1, true},
		{"", 0, false}, {"180", 0, false}, {"six months", 0, false}, {"6m", 0, false},
		{"-1d", 0, false}, {"1.5y", 0, false}, {"9999999d", 0, false},
	} {
		days, ok := ParseRetention(c.in)
		if days != c.days || ok != c.ok {
			t.Errorf("ParseRetention(%q): got %d, %v, want %d, %v", c.in, days, ok, c.days, c.ok)
		}
	}
}

// TestRetentionLoaded: a campaign's retention is its own or else the
// organisation's, and its signatures fall due that long after close_at.
func TestRetentionLoaded(t *testing.T) {
	site, problems := Load("testdata/retention")
	if problems.HasErrors() {
		t.Fatalf("Load: %v", problems)
	}
	org := site.Orgs[0]
	if org.RetentionDays != 180 {
		t.Errorf("org retention: got %d days, want 180", org.RetentionDays)
	}
	for _, c := range []struct {
		slug string
		days int
		due  time.Time
	}{
		{"inherits", 180, time.Date(2026, 9, 28, 0, 0, 0, 0, time.UTC)},
		{"own", 14, time.Date(2026, 4, 15, 0, 0, 0, 0, time.UTC)},
		{"still-open", 180, time.Time{}},
	} {
		camp := org.Campaign(c.slug)
		if camp == nil {
			t.Fatalf("no campaign %s", c.slug)
		}
		if camp.RetentionDays != c.days || !camp.PurgeAt().Equal(c.due) {
			t.Errorf("%s: got %d days, due %v; want %d, %v", c.slug, camp.RetentionDays, camp.PurgeAt(), c.days, c.due)
		}
	}
}
