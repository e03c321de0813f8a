package campaign

import (
	"errors"
	"io"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v4"
)

// Recovering from a syntax error. One mistake in a file (a stray quote, a
// line out of line) used to hide every other problem of that file until it
// was fixed. The loader now reports the mistake, empties the value on that
// line (or the line itself), and reads the file again, up to
// maxRecoveries times; the rest of the file is then decoded and checked as
// usual. Problems the emptied lines cause themselves ('target' is empty,
// say) are left out: the syntax error already stands there.

// maxRecoveries is how many syntax errors one file may report before the
// loader stops reading it.
const maxRecoveries = 10

// loadDocs reads src's documents: at most two (a second is an error the
// caller reports), or the parser's error.
func loadDocs(src []byte) ([]*yaml.Node, error) {
	ld, err := yaml.NewLoader(strings.NewReader(string(src)))
	if err != nil {
		return nil, err
	}
	var docs []*yaml.Node
	for len(docs) < 2 {
		var n yaml.Node
		err := ld.Load(&n)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		docs = append(docs, &n)
	}
	return docs, nil
}

// recoverDocs reports the syntax error err, and the ones after it, and
// returns the documents of the file with each offending value emptied, or
// nil when the file cannot be recovered. A line is mended in up to three
// ways, each tried when the one before still fails there: its value
// emptied, then its setting lined up with the line above, then the whole
// line emptied. Only the first error on a line is reported: the rest are
// the loader's own doing.
func (d *decoder) recoverDocs(err error) []*yaml.Node {
	orig := d.src
	defer func() { d.src = orig }()
	lines := strings.Split(string(orig), "\n")
	original := slices.Clone(lines)
	tries := map[int]int{}
	for range 3 * maxRecoveries {
		n, marked := len(*d.probs), len(d.syntax)
		line := d.syntaxError(err)
		if tries[line] > 0 && len(*d.probs) > n {
			// Not the organiser's: this line was mended already. (The
			// same words as the first report leave its mark alone.)
			if len(d.syntax) > marked {
				delete(d.syntax, (*d.probs)[n])
			}
			*d.probs = (*d.probs)[:n]
		}
		if line < 1 || line > len(lines) || tries[line] >= 3 || d.recovered == nil || len(tries) > maxRecoveries {
			return nil
		}
		lines[line-1] = mend(original[line-1], above(lines, line-1), tries[line])
		tries[line]++
		d.recovered[recoveredLine{d.file, line}] = true
		d.src = []byte(strings.Join(lines, "\n"))
		var docs []*yaml.Node
		if docs, err = loadDocs(d.src); err == nil {
			return docs
		}
	}
	return nil
}

// recoveredLine is a line of a file whose value the loader emptied.
type recoveredLine struct {
	file string
	line int
}

// settingLine matches a line holding a setting ("  title: …", "- kind: …")
// or a list item ("  - …"), capturing what comes before the value.
var settingLine = regexp.MustCompile(`^([ \t]*(?:- +)*[A-Za-z0-9_.-]+ *:)(?:[ \t]|$)|^([ \t]*- +)`)

// bareWord matches a line that starts with a word and no colon after it
// (a setting whose ':' is missing).
var bareWord = regexp.MustCompile(`^([ \t]*(?:- +)?)([A-Za-z_][A-Za-z0-9_]*)(?:[ \t]|$)`)

// above returns the nearest line before index i that holds something
// other than a comment, or "".
func above(lines []string, i int) string {
	for i--; i >= 0; i-- {
		if t := strings.TrimSpace(lines[i]); t != "" && !strings.HasPrefix(t, "#") {
			return lines[i]
		}
	}
	return ""
}

// mend returns line changed the way attempt says (see recoverDocs): 0
// keeps its indentation and empties its value (an empty quoted text, so
// the setting is still there; a word without ':' becomes a setting); 1
// also lines it up with prev; 2 empties the line. The line keeps its
// number either way.
func mend(line, prev string, attempt int) string {
	if attempt >= 2 {
		return ""
	}
	var head string
	switch m := settingLine.FindStringSubmatch(line); {
	case m != nil && m[1] != "":
		head = m[1] + ` ""`
	case m != nil:
		head = m[2] + `""`
	default:
		w := bareWord.FindStringSubmatch(line)
		if w == nil {
			return ""
		}
		head = w[1] + w[2] + `: ""`
	}
	head = strings.ReplaceAll(head, "\t", " ")
	if attempt == 0 {
		return head
	}
	body := strings.TrimLeft(head, " ")
	return strings.Repeat(" ", indentFor(body, prev)) + body
}

// indentFor is the indentation a line starting with body takes under
// prev: a list item lines up with the item above (or sits under the
// setting that opens the list), a setting with the settings above (inside
// the item above, or under the setting that opens the group).
func indentFor(body, prev string) int {
	t := strings.TrimLeft(prev, " ")
	lead := len(prev) - len(t)
	prevItem := strings.HasPrefix(t, "- ")
	opens := strings.HasSuffix(strings.TrimSpace(t), ":")
	switch {
	case strings.HasPrefix(body, "- ") && prevItem:
		return lead
	case strings.HasPrefix(body, "- ") && opens:
		return lead + 2
	case strings.HasPrefix(body, "- "):
		return lead
	case prevItem && opens:
		return lead + 4
	case prevItem, opens:
		return lead + 2
	}
	return lead
}

// dropRecovered removes, from ps, problems on lines the loader emptied,
// except the syntax errors reported there.
func dropRecovered(ps Problems, recovered map[recoveredLine]bool, syntax map[Problem]bool) Problems {
	if len(recovered) == 0 {
		return ps
	}
	out := ps[:0]
	for _, p := range ps {
		if recovered[recoveredLine{p.File, p.Line}] && !syntax[p] {
			continue
		}
		out = append(out, p)
	}
	return out
}
