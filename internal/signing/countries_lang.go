package signing

import (
	"slices"
	"strings"
	"sync"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// countriesIn caches CountriesIn's lists by language.
var countriesIn sync.Map // language code → []Country

// CountriesIn returns every ISO 3166-1 country with its name in the
// language lang (such as ar, he or fr), from CLDR's display names, sorted
// as a reader of that language expects; a name CLDR lacks stays English.
// English, an unknown code or a language without display names give
// Countries. The slice is a copy: callers may change it.
func CountriesIn(lang string) []Country {
	tag, err := language.Parse(lang)
	if err != nil {
		return Countries()
	}
	if b, _ := tag.Base(); b.String() == "en" {
		return Countries()
	}
	if v, ok := countriesIn.Load(tag.String()); ok {
		return slices.Clone(v.([]Country))
	}
	names := display.Regions(tag)
	if names == nil {
		return Countries()
	}
	list := Countries()
	for i := range list {
		if r, err := language.ParseRegion(list[i].Code); err == nil {
			if n := names.Name(r); n != "" {
				list[i].Name = n
			}
		}
	}
	col := collate.New(tag)
	slices.SortFunc(list, func(a, b Country) int {
		return col.CompareString(strings.TrimSpace(a.Name), strings.TrimSpace(b.Name))
	})
	countriesIn.Store(tag.String(), list)
	return slices.Clone(list)
}
