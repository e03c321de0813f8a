// Package spell measures how far apart two words are, so Placard can say
// "did you mean …?" — to organisers about a misspelt setting or file name,
// and to readers about a mistyped page address.
package spell

import (
	"strings"
	"unicode/utf8"
)

// Distance is the optimal string alignment distance between a and b:
// insertions, deletions, substitutions and swaps of neighbouring characters.
func Distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	// three rows: two back, previous, current
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

// Closest returns the option nearest to word when it is near enough to be a
// likely typo, or "". Case is ignored. Near enough is one edit for words of
// up to four characters, two up to eight and three beyond, so a short word
// is not matched to an unrelated one. Of options equally near, the first
// wins.
func Closest(word string, options []string) string {
	w := strings.ToLower(strings.TrimSpace(word))
	best, bestD := "", -1
	for _, o := range options {
		if d := Distance(w, strings.ToLower(o)); bestD < 0 || d < bestD {
			best, bestD = o, d
		}
	}
	limit := 1
	switch n := utf8.RuneCountInString(w); {
	case n >= 9:
		limit = 3
	case n >= 5:
		limit = 2
	}
	if bestD < 0 || bestD > limit {
		return ""
	}
	return best
}
