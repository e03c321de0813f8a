package campaign

import (
	"strconv"

	"go.yaml.in/yaml/v4"
)

// Limits on what one file may become once read. YAML aliases (*name) repeat
// what an anchor (&name) holds without repeating its bytes: a 220 KB file
// whose 200 KB member name is aliased 400 times is an 80 MB organisation, a
// page of that size and a server many times it, and a reload builds the new
// site beside the live one, so such a file would take the live site down.
// The loader measures every file before decoding it and refuses one that
// would grow beyond a few times its own size, at the alias to blame.

// expansionFactor is how many times its own size a file may grow through
// aliases; minExpansion is the allowance for small files.
const (
	expansionFactor = 4
	minExpansion    = 64 << 10
)

// measureCap is where measuring stops counting: far beyond any allowance,
// and far from overflowing.
const measureCap = 1 << 40

// measurement is what a file's node tree becomes once every alias is
// followed, found by visiting each node of the file once.
type measurement struct {
	size    int64 // bytes of text (plus one per node) once expanded, at most measureCap
	visited int   // nodes visited: each node of the file once
	memo    map[*yaml.Node]int64
	anchors []*yaml.Node                // anchored nodes, in order of first alias
	uses    map[*yaml.Node][]*yaml.Node // the aliases of each anchored node
}

// measure measures root.
func measure(root *yaml.Node) *measurement {
	m := &measurement{memo: map[*yaml.Node]int64{}, uses: map[*yaml.Node][]*yaml.Node{}}
	m.size = m.of(root)
	return m
}

func (m *measurement) of(n *yaml.Node) int64 {
	if s, ok := m.memo[n]; ok {
		return s
	}
	m.memo[n] = 0 // an anchor that contains an alias to itself adds nothing more
	m.visited++
	var s int64
	switch n.Kind {
	case yaml.AliasNode:
		if n.Alias != nil {
			if len(m.uses[n.Alias]) == 0 {
				m.anchors = append(m.anchors, n.Alias)
			}
			m.uses[n.Alias] = append(m.uses[n.Alias], n)
			s = m.of(n.Alias)
		}
	case yaml.ScalarNode:
		s = int64(len(n.Value)) + 1
	default:
		s = 1
		for _, c := range n.Content {
			s = min(s+m.of(c), measureCap)
		}
	}
	m.memo[n] = s
	return s
}

// checkExpansion reports, at the alias that repeats the most, a root that
// grows beyond its file's allowance once its aliases are followed, and says
// whether it is within it.
func (d *decoder) checkExpansion(root *yaml.Node) bool {
	allowed := max(expansionFactor*int64(len(d.src)), minExpansion)
	m := measure(root)
	if m.size <= allowed {
		return true
	}
	var worst *yaml.Node
	var worstSize int64 = -1
	for _, a := range m.anchors {
		if s := min(int64(len(m.uses[a]))*m.memo[a], measureCap); s >= worstSize {
			worst, worstSize = a, s
		}
	}
	limit := sizeText(allowed)
	if allowed > minExpansion {
		limit += " (four times the file's size)"
	}
	if worst == nil { // cannot happen: without aliases a file is never larger than its text
		d.errorf(root, "this file is %s once read — at most %s is allowed", bigSizeText(m.size), limit)
		return false
	}
	uses := m.uses[worst]
	d.errorf(uses[0], "this alias *%s repeats %s of text %s, which makes this file %s once read — at most %s is allowed: write the text out once, without the alias",
		uses[0].Value, bigSizeText(m.memo[worst]), timesText(len(uses)), bigSizeText(m.size), limit)
	return false
}

// bigSizeText is sizeText for a measured size, which may have stopped
// counting at measureCap.
func bigSizeText(n int64) string {
	if n >= measureCap {
		return "more than 1 TB"
	}
	return sizeText(n)
}

func timesText(n int) string {
	if n == 1 {
		return "once"
	}
	return strconv.Itoa(n) + " times"
}

// maxItems bounds the length of a list, by its setting; other lists have
// at most defaultMaxItems. They are far above any real campaign: a limit is
// there so one file cannot make every page it appears on enormous.
var maxItems = map[string]int{
	"actions":       30,
	"amounts":       20,
	"destinations":  50,
	"embed_origins": 50,
	"hashtags":      30,
	"languages":     30,
	"related":       50,
	"items":         200,
	"targets":       2000,
	"members":       1000,
	"organisations": 1000,
	"individuals":   5000,
	"redirects":     1000,
}

const defaultMaxItems = 1000

// tooLong reports a list (or mapping, for redirects) at n with more items
// than its setting allows, and says whether it did.
func (d *decoder) tooLong(n *yaml.Node, key string, items int) bool {
	limit, ok := maxItems[key]
	if !ok {
		limit = defaultMaxItems
	}
	if items <= limit {
		return false
	}
	hint := "keep the most important ones"
	switch key {
	case "members", "organisations", "individuals":
		hint = "list the first ones here and link to a page with the full list"
	case "redirects":
		hint = "remove redirects for campaigns nobody links to any more"
	}
	d.errorf(n, "%s lists %d items, more than the %d allowed — %s", quoteKey(key), items, limit, hint)
	return true
}
