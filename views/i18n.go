package views

import (
	"context"

	"github.com/placard/placard/internal/i18n"
)

// Interface strings. Components write their fixed wording through tr,
// which reads the page's Localizer from the render context: Layout puts
// Page.L there, so every component inside a page speaks its language
// without each view model carrying every label. Rendering outside Layout
// (or with no Localizer) gives English.

type locKey struct{}

var english = i18n.New(i18n.Default, nil)

// withLocalizer returns ctx carrying l for the components rendered with it.
func withLocalizer(ctx context.Context, l *i18n.Localizer) context.Context {
	if l == nil {
		return ctx
	}
	return context.WithValue(ctx, locKey{}, l)
}

// localizer is the Localizer of the page being rendered, English by default.
func localizer(ctx context.Context) *i18n.Localizer {
	if l, ok := ctx.Value(locKey{}).(*i18n.Localizer); ok {
		return l
	}
	return english
}

// tr is the interface string key in the page's language (see i18n.Localizer.T).
func tr(ctx context.Context, key string, args ...string) string {
	return localizer(ctx).T(key, args...)
}

// Alternate is the page in one of the languages it exists in.
type Alternate struct {
	// Lang is the language's BCP 47 code, for hreflang and lang.
	Lang string
	// Name is the language's own name for itself, such as العربية.
	Name string
	// URL is the page's absolute address in that language.
	URL string
	// Path is the same address relative to the site, for links.
	Path string
	// Dir is "rtl" or "ltr", so each switcher link reads in its own direction.
	Dir string
	// Current marks the language of the page being shown.
	Current bool
}

// Suggestion is a small notice, written in the suggested language, that
// the page exists in the language the reader's browser prefers.
type Suggestion struct {
	Lang, Dir, Text, Path string
}
