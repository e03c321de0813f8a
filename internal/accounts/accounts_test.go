package accounts

import (
	"strings"
	"testing"
	"time"
)

// TestRoles: what each role may see and change.
func TestRoles(t *testing.T) {
	editor := Organiser{Org: "riverside", Role: RoleEditor}
	viewer := Organiser{Org: "riverside", Role: RoleViewer}
	admin := Organiser{Role: RoleSiteAdmin}
	for _, c := range []struct {
		o           Organiser
		org         string
		see, change bool
	}{
		{editor, "riverside", true, true},
		{editor, "harbour", false, false},
		{editor, "", false, false},
		{viewer, "riverside", true, false},
		{viewer, "harbour", false, false},
		{admin, "harbour", true, true},
		{Organiser{Role: RoleEditor}, "", false, false}, // an editor of no organisation
	} {
		if got := c.o.CanSee(c.org); got != c.see {
			t.Errorf("%+v CanSee(%q) = %v, want %v", c.o, c.org, got, c.see)
		}
		if got := c.o.CanChange(c.org); got != c.change {
			t.Errorf("%+v CanChange(%q) = %v, want %v", c.o, c.org, got, c.change)
		}
	}
	for in, want := range map[string]Role{"editor": RoleEditor, " Viewer ": RoleViewer, "site-admin": RoleSiteAdmin} {
		if got, err := ParseRole(in); err != nil || got != want {
			t.Errorf("ParseRole(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseRole("owner"); err == nil {
		t.Error("ParseRole(owner): no error")
	}
}

// TestSecrets: secrets are 43 URL-safe characters, different each time,
// stored as their hash; junk is not well formed.
func TestSecrets(t *testing.T) {
	a, ha := NewSecret()
	b, hb := NewSecret()
	if a == b || ha == hb || !WellFormed(a) || HashSecret(a) != ha {
		t.Fatalf("NewSecret: %q %q", a, b)
	}
	for _, bad := range []string{"", "short", strings.Repeat("a", 42), strings.Repeat("a", 44), strings.Repeat("+", 43), a[:42] + "="} {
		if WellFormed(bad) {
			t.Errorf("WellFormed(%q) = true", bad)
		}
	}
}

// TestSessionClock: idle after IdleTimeout, LastSeen written at most every
// TouchEvery.
func TestSessionClock(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	s := Session{LastSeen: at}
	if s.Idle(at.Add(IdleTimeout-time.Second)) || !s.Idle(at.Add(IdleTimeout)) {
		t.Error("Idle: want false a second before IdleTimeout, true at it")
	}
	busy := Session{CreatedAt: at, LastSeen: at.Add(MaxLifetime - time.Minute)}
	if busy.Ended(at.Add(MaxLifetime-time.Second)) || !busy.Ended(at.Add(MaxLifetime)) {
		t.Error("Ended: want false a second before MaxLifetime, true at it, however recently used")
	}
	if !s.Ended(at.Add(IdleTimeout)) {
		t.Error("Ended: want true once idle")
	}
	if s.Stale(at.Add(TouchEvery-time.Second)) || !s.Stale(at.Add(TouchEvery)) {
		t.Error("Stale: want false a second before TouchEvery, true at it")
	}
}
