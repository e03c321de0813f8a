package site

import (
	"time"

	"github.com/placard/placard/internal/i18n"
)

// isoDate is YYYY-MM-DD for <time datetime> and JSON-LD.
func isoDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}

// Plural writes a count with its noun: "1 campaign", "3 campaigns".
func Plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return i18n.English().Number(n) + " " + many
}
