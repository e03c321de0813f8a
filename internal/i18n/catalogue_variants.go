package i18n

import (
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/language"
)

// Regional variants: en-US beside the catalogue's (British) English, and
// the same mechanism for es-419, fr-CA or pt-BR later. A variant is an
// overlay on its base language, never a copy of it: it holds only what
// differs (a message worded otherwise, a spelling rule, a date order), and
// every other message comes from the base language, then from English. A
// page whose language is en-GB, en-CA or any region without a variant
// speaks the base language as it is.

// variant is what one regional variant changes in its base language.
type variant struct {
	// messages are the catalogue keys worded otherwise in the variant.
	messages map[string]string
	// respell, when set, rewrites the base language's messages (not the
	// values filled into them) to the variant's spelling.
	respell *strings.Replacer
	// date, when set, writes a calendar date in the variant's order, given
	// the day, the month's name and the year.
	date func(day int, month string, year int) string
}

// variants holds each regional variant by its code, language-REGION as
// golang.org/x/text writes it: en-US, es-419, fr-CA, pt-BR.
var variants = map[string]*variant{
	"en-US": {
		// American spelling of the words the English catalogue uses. The
		// replacements are word stems, matched inside longer words
		// (organisations, organisers); none is the start of an unrelated
		// word.
		respell: strings.NewReplacer(
			"organis", "organiz", "Organis", "Organiz",
			"colour", "color", "Colour", "Color",
			"favour", "favor", "Favour", "Favor",
			"behaviour", "behavior", "neighbour", "neighbor", "honour", "honor", "labour", "labor",
			"centre", "center", "Centre", "Center",
			"catalogue", "catalog", "licence", "license", "programme", "program",
			"recognis", "recogniz", "apologis", "apologiz", "authoris", "authoriz",
			"cancelled", "canceled", "travelled", "traveled",
		),
		date: func(day int, month string, year int) string {
			return month + " " + strconv.Itoa(day) + ", " + strconv.Itoa(year)
		},
	},
}

// overlay adds messages to the regional variant code (such as es-419),
// worded otherwise than in its base language. Like extend, it is called
// from a feature's init; a key the base language (or English) lacks, or
// one the variant already has, is a programming error reported at
// start-up, so a variant can never hold a message of its own that the
// base catalogue does not know.
func overlay(code string, messages map[string]string) {
	tag := language.MustParse(code)
	b, _ := tag.Base()
	v := variants[code]
	if v == nil {
		v = &variant{}
		variants[code] = v
	}
	if v.messages == nil {
		v.messages = map[string]string{}
	}
	for k, m := range messages {
		_, inBase := catalogue[b.String()][k]
		_, inEnglish := catalogue[Default][k]
		if !inBase && !inEnglish {
			panic("i18n: variant " + code + " words " + k + ", which the catalogue does not have")
		}
		if _, dup := v.messages[k]; dup {
			panic("i18n: variant " + code + " words " + k + " twice")
		}
		v.messages[k] = m
	}
}

// variantOf returns the regional variant of tag, or nil: language and
// region (en-US), when the catalogue has such a variant.
func variantOf(tag language.Tag) *variant {
	r, conf := tag.Region()
	if conf != language.Exact {
		return nil
	}
	b, _ := tag.Base()
	return variants[b.String()+"-"+r.String()]
}

// variantMessage returns the variant's own wording of key, if it has one.
func (l *Localizer) variantMessage(key string) (string, bool) {
	if l.variant == nil {
		return "", false
	}
	m, ok := l.variant.messages[key]
	return m, ok
}

// respelt is msg, a message of the base language (or of English, when
// the base is English), in the variant's spelling.
func (l *Localizer) respelt(msg string) string {
	if l.variant == nil || l.variant.respell == nil {
		return msg
	}
	return l.variant.respell.Replace(msg)
}

// variantDate writes t in the variant's order, or "" when the variant
// keeps the base language's.
func (l *Localizer) variantDate(t time.Time, month string) string {
	if l.variant == nil || l.variant.date == nil {
		return ""
	}
	return l.variant.date(t.Day(), month, t.Year())
}
