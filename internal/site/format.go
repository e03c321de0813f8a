package site

import (
	"strconv"
	"strings"
	"time"
)

// FormatDate writes a date the way people read it on the page: "10 February 2026".
func FormatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return strconv.Itoa(t.Day()) + " " + t.Month().String() + " " + strconv.Itoa(t.Year())
}

// isoDate is YYYY-MM-DD for <time datetime> and JSON-LD.
func isoDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}

// FormatInt writes n with thousands separators: 5000 → "5,000".
func FormatInt(n int) string {
	s := strconv.Itoa(n)
	sign := ""
	if n < 0 {
		sign, s = "-", s[1:]
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return sign + s
}

// Plural writes a count with its noun: "1 campaign", "3 campaigns".
func Plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return FormatInt(n) + " " + many
}

// FormatSize writes a file size for people: "840 KB", "1.2 MB".
func FormatSize(n int) string {
	switch {
	case n < 1000:
		return strconv.Itoa(n) + " bytes"
	case n < 1000*1000:
		return strconv.Itoa((n+500)/1000) + " KB"
	default:
		return strconv.FormatFloat(float64(n)/1e6, 'f', 1, 64) + " MB"
	}
}

// fileFormat names a file's type for a download link: "PDF", "Word document".
func fileFormat(contentType, path string) string {
	ct, _, _ := strings.Cut(contentType, ";")
	switch ct {
	case "application/pdf":
		return "PDF"
	case "application/msword", "application/vnd.openxmlformats-officedocument.wordprocessingml.document":
		return "Word document"
	case "application/vnd.oasis.opendocument.text":
		return "OpenDocument text"
	case "application/vnd.ms-excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
		return "Spreadsheet"
	case "text/csv":
		return "CSV"
	case "application/zip":
		return "ZIP archive"
	case "image/png":
		return "PNG image"
	case "image/jpeg":
		return "JPEG image"
	case "image/svg+xml":
		return "SVG image"
	case "text/plain":
		return "Text"
	case "audio/mpeg":
		return "MP3 audio"
	}
	if i := strings.LastIndexByte(path, '.'); i >= 0 && i < len(path)-1 {
		return strings.ToUpper(path[i+1:])
	}
	return "File"
}

// FormatDuration writes a length for people ("34 min", "1 h 5 min") and as
// ISO 8601 ("PT34M", "PT1H5M").
func FormatDuration(d time.Duration) (text, iso string) {
	if d <= 0 {
		return "", ""
	}
	d = d.Round(time.Second)
	h := int(d / time.Hour)
	m := int(d % time.Hour / time.Minute)
	s := int(d % time.Minute / time.Second)
	var t []string
	iso = "PT"
	if h > 0 {
		t = append(t, strconv.Itoa(h)+" h")
		iso += strconv.Itoa(h) + "H"
	}
	if m > 0 {
		t = append(t, strconv.Itoa(m)+" min")
		iso += strconv.Itoa(m) + "M"
	}
	if s > 0 && h == 0 {
		t = append(t, strconv.Itoa(s)+" s")
	}
	if s > 0 {
		iso += strconv.Itoa(s) + "S"
	}
	return strings.Join(t, " "), iso
}

// currencySymbols are the symbols placed before an amount; other currencies
// are written after it with their code ("10 CHF").
var currencySymbols = map[string]string{
	"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹", "ILS": "₪",
	"AUD": "A$", "CAD": "CA$", "NZD": "NZ$", "KRW": "₩", "NGN": "₦", "BRL": "R$",
	"PHP": "₱", "UAH": "₴", "TRY": "₺", "ZAR": "R", "MXN": "MX$",
}

// FormatMoney writes an amount in whole units of a currency: "$25", "€10", "10 CHF".
func FormatMoney(amount int, currency string) string {
	n := FormatInt(amount)
	currency = strings.ToUpper(strings.TrimSpace(currency))
	if sym, ok := currencySymbols[currency]; ok {
		return sym + n
	}
	if currency == "" {
		return n
	}
	return n + " " + currency
}
