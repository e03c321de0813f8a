package site

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/language"
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

// withQuery adds key=value to link's query, keeping what is there; it
// returns link unchanged when it cannot be parsed.
func withQuery(link, key, value string) string {
	u, err := url.Parse(link)
	if err != nil {
		return link
	}
	q := u.Query()
	q.Set(key, value)
	u.RawQuery = q.Encode()
	return u.String()
}

// ogLocales maps a language to the og:locale most readers of it use; a code
// with a region (en-US) is used as written.
var ogLocales = map[string]string{
	"en": "en_GB", "fr": "fr_FR", "de": "de_DE", "es": "es_ES", "it": "it_IT",
	"pt": "pt_PT", "nl": "nl_NL", "ar": "ar_AR", "he": "he_IL", "fa": "fa_IR",
	"ur": "ur_PK", "pl": "pl_PL", "uk": "uk_UA", "ru": "ru_RU", "tr": "tr_TR",
	"sv": "sv_SE", "da": "da_DK", "nb": "nb_NO", "fi": "fi_FI", "el": "el_GR",
	"ja": "ja_JP", "ko": "ko_KR", "zh": "zh_CN", "hi": "hi_IN", "sw": "sw_KE",
	"yi": "yi_US", "ga": "ga_IE", "cy": "cy_GB", "ca": "ca_ES", "cs": "cs_CZ",
	"ro": "ro_RO", "hu": "hu_HU", "id": "id_ID", "vi": "vi_VN", "th": "th_TH",
}

// LangInfo returns the BCP 47 tag for <html lang>, "ltr" or "rtl", and the
// og:locale for an organisation's language code (default en).
func LangInfo(code string) (lang, dir, locale string) {
	code = strings.TrimSpace(code)
	if code == "" {
		code = "en"
	}
	tag, err := language.Parse(code)
	if err != nil {
		tag = language.English
	}
	lang = tag.String()
	dir = "ltr"
	if script, _ := tag.Script(); rtlScripts[script.String()] {
		dir = "rtl"
	}
	base, _ := tag.Base()
	if region, conf := tag.Region(); conf == language.Exact {
		locale = base.String() + "_" + region.String()
	} else if l, ok := ogLocales[base.String()]; ok {
		locale = l
	} else {
		r, _ := tag.Region()
		locale = base.String() + "_" + r.String()
	}
	return lang, dir, locale
}

// rtlScripts are the scripts written right to left.
var rtlScripts = map[string]bool{
	"Arab": true, "Hebr": true, "Thaa": true, "Syrc": true, "Nkoo": true,
	"Adlm": true, "Rohg": true, "Mand": true, "Samr": true, "Yezi": true,
}

// telURL turns a written phone number into a tel: link, keeping a leading +
// and the digits.
func telURL(phone string) string {
	var b strings.Builder
	for i, r := range strings.TrimSpace(phone) {
		switch {
		case r == '+' && i == 0:
			b.WriteRune(r)
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		}
	}
	if b.Len() < 3 {
		return ""
	}
	return "tel:" + b.String()
}

// QueryEscape percent-encodes s for a query value with spaces as %20, which
// every mail client and share screen reads the same way (some show a + literally).
func QueryEscape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

// MailtoURL builds a mailto: link with an optional subject and body.
func MailtoURL(addr, subject, body string) string {
	addr = strings.TrimSpace(addr)
	var b strings.Builder
	b.WriteString("mailto:")
	// Addresses are validated by the loader; escape the few characters that
	// would end the address part.
	b.WriteString(strings.NewReplacer("?", "%3F", "#", "%23", "%", "%25", " ", "%20").Replace(addr))
	sep := byte('?')
	if subject != "" {
		b.WriteByte(sep)
		b.WriteString("subject=")
		b.WriteString(QueryEscape(subject))
		sep = '&'
	}
	if body != "" {
		b.WriteByte(sep)
		b.WriteString("body=")
		// RFC 6068: line breaks in a mailto body are written as CRLF.
		body = strings.ReplaceAll(strings.ReplaceAll(body, "\r\n", "\n"), "\n", "\r\n")
		b.WriteString(QueryEscape(body))
	}
	return b.String()
}

// twitterHandle turns an X profile address into @handle for twitter:site.
func twitterHandle(profile string) string {
	u, err := url.Parse(strings.TrimSpace(profile))
	if err != nil || u.Host == "" {
		return ""
	}
	h := strings.TrimPrefix(u.Host, "www.")
	if h != "x.com" && h != "twitter.com" {
		return ""
	}
	name, _, _ := strings.Cut(strings.Trim(u.Path, "/"), "/")
	if name == "" {
		return ""
	}
	return "@" + strings.TrimPrefix(name, "@")
}

// capitalise upper-cases the first letter: "podcast" → "Podcast".
func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// must panics on a programming error found while building fixed data.
func must[T any](v T, err error) T {
	if err != nil {
		panic(fmt.Sprintf("web: %v", err))
	}
	return v
}
