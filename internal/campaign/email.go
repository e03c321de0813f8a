package campaign

// DefaultUnconfirmedDays is how long an unconfirmed signature waits when
// neither the campaign nor its organisation says.
const DefaultUnconfirmedDays = 7

// maxUnconfirmedDays bounds unconfirmed_days: a signature nobody confirms
// is personal data kept for nothing.
const maxUnconfirmedDays = 90

// Resolve is the setting that applies to a campaign with these settings
// (e, possibly nil) in org: each value the campaign's own, else the
// organisation's, else the default (no confirmation, 7 days).
func (e *Email) Resolve(org *Org) (confirm bool, days int) {
	days = DefaultUnconfirmedDays
	var oe *Email
	if org != nil {
		oe = org.Email
	}
	for _, s := range []*Email{oe, e} {
		if s == nil {
			continue
		}
		if s.Confirm != nil {
			confirm = *s.Confirm
		}
		if s.UnconfirmedDays > 0 {
			days = s.UnconfirmedDays
		}
	}
	return confirm, days
}

// emailSettings checks an email: setting.
func (c *checker) emailSettings(e *Email) {
	if e == nil {
		return
	}
	if d := e.UnconfirmedDays; d < 0 || d > maxUnconfirmedDays || (d == 0 && c.written(&e.UnconfirmedDays)) {
		c.errorf(c.at(&e.UnconfirmedDays), "'unconfirmed_days' must be a whole number of days from 1 to %d, like 7 — unconfirmed signatures are erased after that many days", maxUnconfirmedDays)
	}
}

// written reports whether the value p points to was written in the file.
func (c *checker) written(p any) bool {
	_, ok := c.l.pos.of(p)
	return ok
}
