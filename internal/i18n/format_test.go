package i18n

import (
	"testing"
	"time"
)

// TestFormatting: English formatting of numbers, dates, sizes, durations
// and money, as pages have always shown them.
func TestFormatting(t *testing.T) {
	en := English()
	if got := en.Date(time.Date(2026, 2, 10, 0, 0, 0, 0, time.UTC)); got != "10 February 2026" {
		t.Errorf("Date = %q", got)
	}
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 5000: "5,000", 1234567: "1,234,567", -1234: "-1,234"} {
		if got := en.Number(n); got != want {
			t.Errorf("Number(%d) = %q, want %q", n, got, want)
		}
	}
	if got := en.Size(1_234_567); got != "1.2 MB" {
		t.Errorf("Size = %q", got)
	}
	if txt, iso := en.Duration(65*time.Minute), ISODuration(65*time.Minute); txt != "1 h 5 min" || iso != "PT1H5M" {
		t.Errorf("Duration, ISODuration = %q %q", txt, iso)
	}
	for cur, want := range map[string]string{"USD": "$1,000", "eur": "€1,000", "CHF": "1,000 CHF", "": "1,000"} {
		if got := en.Money(1000, cur); got != want {
			t.Errorf("Money(1000, %q) = %q, want %q", cur, got, want)
		}
	}
}

func TestLocalDuration(t *testing.T) {
	for _, tc := range []struct {
		lang string
		d    time.Duration
		want string
	}{
		{"en", 34 * time.Minute, "34 min"},
		{"ar", 34 * time.Minute, "34 د"},
		{"he", time.Hour + 5*time.Minute, "1 שע׳ 5 דק׳"},
		{"de", time.Hour + 5*time.Minute, "1 Std. 5 Min."},
		{"fr", 4*time.Minute + 10*time.Second, "4 min 10 s"},
	} {
		if got := New(tc.lang, nil).Duration(tc.d); got != tc.want {
			t.Errorf("%s %v = %q, want %q", tc.lang, tc.d, got, tc.want)
		}
	}
}

func TestLocalMoney(t *testing.T) {
	for _, tc := range []struct {
		lang     string
		amount   int
		currency string
		want     string
	}{
		{"fr", 25, "EUR", "25\u00a0€"},
		{"de", 1000, "EUR", "1.000\u00a0€"},
		{"he", 50, "ILS", "50\u00a0₪"},
		{"ar", 15, "CHF", "15\u00a0CHF"},
		{"es", 10, "", "10"},
	} {
		if got := New(tc.lang, nil).Money(tc.amount, tc.currency); got != tc.want {
			t.Errorf("%s %d %s = %q, want %q", tc.lang, tc.amount, tc.currency, got, tc.want)
		}
	}
}

func TestLocalFileFormat(t *testing.T) {
	for _, tc := range []struct{ lang, contentType, path, want string }{
		{"en", "application/msword", "a.doc", "Word document"}, {"de", "application/vnd.ms-excel", "a.xls", "Tabelle"},
		{"ar", "", "file", "ملف"}, {"he", "application/pdf", "a.pdf", "PDF"},
	} {
		if got := New(tc.lang, nil).FileFormat(tc.contentType, tc.path); got != tc.want {
			t.Errorf("%s %q = %q, want %q", tc.lang, tc.contentType, got, tc.want)
		}
	}
}

func TestList(t *testing.T) {
	en := English()
	for want, items := range map[string][]string{"": nil, "A": {"A"}, "A and B": {"A", "B"}, "A, B and C": {"A", "B", "C"}} {
		if got := en.List(items); got != want {
			t.Errorf("List(%q) = %q, want %q", items, got, want)
		}
	}
	de := New("de", nil)
	if got, want := de.List([]string{"A", "B", "C"}), "A"+de.T("list.comma")+"B"+de.T("list.and")+"C"; got != want {
		t.Errorf("de List = %q, want %q", got, want)
	}
}
