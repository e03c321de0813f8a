package i18n

import (
	"strconv"
	"strings"
	"time"
)

// This file is the one home of formatting for readers: numbers, dates,
// money, durations, file sizes and kinds, and lists.

// english is the English localizer without overrides.
var english = New(Default, nil)

// English returns the localizer of English without an organisation's
// wording: for text outside the pages (the command line, logs) and for
// the site's own English pages.
func English() *Localizer { return english }

// Number writes a whole number with the language's thousands separator:
// 5,000 in English, Hebrew and Arabic; 5.000 in German; 5 000 (narrow
// no-break space) in French; in Spanish four-digit numbers are not grouped
// (5000) and larger ones use a point (10.000). Digits are always the Latin
// 0–9, in Arabic too: they are what Arabic-language campaign sites and news
// in the Maghreb and online commonly use, they match the figures organisers
// write in their own text, and they read the same in a shared screenshot.
func (l *Localizer) Number(n int) string {
	s := strconv.Itoa(n)
	sign := ""
	if n < 0 {
		sign, s = "-", s[1:]
	}
	sep := ","
	switch l.base {
	case "de":
		sep = "."
	case "es":
		sep = "."
		if len(s) <= 4 {
			return sign + s
		}
	case "fr":
		sep = "\u202f"
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + sep + s[i:]
	}
	return sign + s
}

// Date writes a calendar date the way the language writes it in running
// text: "10 February 2026", "10 فبراير 2026", "10 בפברואר 2026",
// "10 de febrero de 2026", "10 février 2026", "10. Februar 2026".
// The zero time is "".
func (l *Localizer) Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	months := monthNames[l.base]
	if months == nil {
		months = monthNames[Default]
	}
	d, m, y := strconv.Itoa(t.Day()), months[t.Month()-1], strconv.Itoa(t.Year())
	if s := l.variantDate(t, m); s != "" {
		return s // a regional variant's order: October 19, 2023 in en-US
	}
	switch l.base {
	case "he":
		return d + " ב" + m + " " + y
	case "es":
		return d + " de " + m + " de " + y
	case "de":
		return d + ". " + m + " " + y
	}
	return d + " " + m + " " + y
}

var monthNames = map[string][]string{
	"en": {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
	"ar": {"يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"},
	"he": {"ינואר", "פברואר", "מרץ", "אפריל", "מאי", "יוני", "יולי", "אוגוסט", "ספטמבר", "אוקטובר", "נובמבר", "דצמבר"},
	"es": {"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"},
	"fr": {"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
	"de": {"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"},
}

// isEnglish reports whether the localizer's language is English (any
// region), not merely worded in English for want of a catalogue.
func (l *Localizer) isEnglish() bool {
	b, _ := l.tag.Base()
	return b.String() == "en"
}

// currencySymbols are the symbols of the currencies that have one; others
// are written with their code ("10 CHF").
var currencySymbols = map[string]string{
	"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹", "ILS": "₪",
	"AUD": "A$", "CAD": "CA$", "NZD": "NZ$", "KRW": "₩", "NGN": "₦", "BRL": "R$",
	"PHP": "₱", "UAH": "₴", "TRY": "₺", "ZAR": "R", "MXN": "MX$",
}

// Money writes an amount in whole units of currency (an ISO 4217 code, in
// any case; "" for none). English puts the symbol first and a code after
// ("$25", "€1,000", "10 CHF"); every other language writes the number
// grouped for it, a no-break space and the symbol or code ("25 €",
// "1.000 €", "25 ₪").
func (l *Localizer) Money(amount int, currency string) string {
	n := l.Number(amount)
	currency = strings.ToUpper(strings.TrimSpace(currency))
	sym, ok := currencySymbols[currency]
	switch {
	case currency == "":
		return n
	case l.isEnglish() && ok:
		return sym + n
	case l.isEnglish():
		return n + " " + currency
	case ok:
		return n + "\u00a0" + sym
	}
	return n + "\u00a0" + currency
}

// Duration writes a length for people in the language's units: hours and
// minutes, or minutes and seconds under an hour ("1 h 5 min", "34 min",
// "4 min 10 s"; "34 د" in Arabic). Nothing, or less than half a second,
// is "".
func (l *Localizer) Duration(d time.Duration) string {
	if d <= 0 {
		return ""
	}
	d = d.Round(time.Second)
	h, m, sec := int(d/time.Hour), int(d%time.Hour/time.Minute), int(d%time.Minute/time.Second)
	var parts []string
	if h > 0 {
		parts = append(parts, l.T("dur.h", "n", l.Number(h)))
	}
	if m > 0 {
		parts = append(parts, l.T("dur.min", "n", l.Number(m)))
	}
	if sec > 0 && h == 0 {
		parts = append(parts, l.T("dur.s", "n", l.Number(sec)))
	}
	return strings.Join(parts, " ")
}

// ISODuration writes a length as ISO 8601 ("PT1H5M", "PT4M10S") for
// <time datetime> and structured data; nothing is "".
func ISODuration(d time.Duration) string {
	if d <= 0 {
		return ""
	}
	d = d.Round(time.Second)
	h, m, sec := int(d/time.Hour), int(d%time.Hour/time.Minute), int(d%time.Minute/time.Second)
	iso := "PT"
	if h > 0 {
		iso += strconv.Itoa(h) + "H"
	}
	if m > 0 {
		iso += strconv.Itoa(m) + "M"
	}
	if sec > 0 {
		iso += strconv.Itoa(sec) + "S"
	}
	return iso
}

// Size writes a file size for people: "840 bytes", "12 KB", "1.2 MB".
// It is written the same in every language for now, as pages always have.
func (l *Localizer) Size(n int) string {
	switch {
	case n < 1000:
		return strconv.Itoa(n) + " bytes"
	case n < 1000*1000:
		return strconv.Itoa((n+500)/1000) + " KB"
	default:
		return strconv.FormatFloat(float64(n)/1e6, 'f', 1, 64) + " MB"
	}
}

// fileKinds maps content types to the catalogue key naming their kind;
// names such as PDF or CSV read the same in every language.
var fileKinds = map[string]string{
	"application/pdf":    "PDF",
	"application/msword": "file.word",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document": "file.word",
	"application/vnd.oasis.opendocument.text":                                 "file.odt",
	"application/vnd.ms-excel":                                                "file.sheet",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":       "file.sheet",
	"text/csv":        "CSV",
	"application/zip": "file.zip",
	"image/png":       "file.png",
	"image/jpeg":      "file.jpeg",
	"image/svg+xml":   "file.svg",
	"text/plain":      "file.text",
	"audio/mpeg":      "file.mp3",
}

// FileFormat names a file's kind for a download link, from its content
// type (parameters ignored) or else its name's extension: "PDF", "Word
// document" ("مستند Word"), "DOCX"; "File" when nothing tells.
func (l *Localizer) FileFormat(contentType, path string) string {
	ct, _, _ := strings.Cut(contentType, ";")
	if k, ok := fileKinds[ct]; ok {
		if strings.HasPrefix(k, "file.") {
			return l.T(k)
		}
		return k
	}
	if i := strings.LastIndexByte(path, '.'); i >= 0 && i < len(path)-1 {
		return strings.ToUpper(path[i+1:])
	}
	return l.T("file.other")
}

// List joins items as the language writes a list: "A", "A and B",
// "A, B and C".
func (l *Localizer) List(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], l.T("list.comma")) + l.T("list.and") + items[len(items)-1]
}
