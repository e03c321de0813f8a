package signing

import (
	"slices"
	"strings"
	"sync"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// Country is one choice of a signing form's country list.
type Country struct {
	// Code is the ISO 3166-1 alpha-2 code, upper case, such as GB.
	Code string
	// Name is the country's name in English, such as United Kingdom.
	Name string
}

// countryCodes are the 249 officially assigned ISO 3166-1 alpha-2 codes.
const countryCodes = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ " +
	"BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ " +
	"CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ " +
	"DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR " +
	"GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY " +
	"HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP " +
	"KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY " +
	"MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ " +
	"NA NC NE NF NG NI NL NO NP NR NU NZ OM " +
	"PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW " +
	"SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ " +
	"TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ " +
	"VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW"

var (
	countriesOnce sync.Once
	countryList   []Country
	countrySet    map[string]bool
)

func loadCountries() {
	names := display.English.Regions()
	col := collate.New(language.English)
	for _, code := range strings.Fields(countryCodes) {
		name := code
		if r, err := language.ParseRegion(code); err == nil {
			if n := names.Name(r); n != "" {
				name = n
			}
		}
		countryList = append(countryList, Country{Code: code, Name: name})
	}
	slices.SortFunc(countryList, func(a, b Country) int { return col.CompareString(a.Name, b.Name) })
	countrySet = make(map[string]bool, len(countryList))
	for _, c := range countryList {
		countrySet[c.Code] = true
	}
}

// Countries returns every ISO 3166-1 country with its English name, sorted
// by name as an English reader expects (Åland Islands beside Albania), for
// a form's country select. The slice is a copy: callers may change it.
func Countries() []Country {
	countriesOnce.Do(loadCountries)
	return slices.Clone(countryList)
}

// IsCountry reports whether code is an ISO 3166-1 alpha-2 code (upper case).
func IsCountry(code string) bool {
	countriesOnce.Do(loadCountries)
	return countrySet[code]
}
