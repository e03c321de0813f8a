package admin

import "strconv"

func itoa(n int) string { return strconv.Itoa(n) }

func lang(p Page) string {
	if p.L == nil {
		return "en"
	}
	return p.L.Lang()
}

func dir(p Page) string {
	if p.L == nil {
		return "ltr"
	}
	return p.L.Dir()
}
