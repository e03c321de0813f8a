package campaign

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v4"
)

// Text YAML drops without a word. A space followed by # starts a comment,
// so an unquoted value such as
//
//	alt: A march with a banner reading "support the #greatreturnmarch"
//
// ends at "the", and a single quote ends single-quoted text, so
// 'Senators' offices' is a syntax error. The loader says what was lost and
// how to write it.

// warnf reports a warning at n.
func (d *decoder) warnf(line, col int, format string, args ...any) {
	*d.probs = append(*d.probs, Problem{File: d.file, Line: line, Col: col, Warning: true, Message: fmt.Sprintf(format, args...)})
}

// textLikeComment reports whether a comment looks like more of the text
// rather than a note: # followed at once by a letter or digit (a hashtag,
// #1), where notes are written "# like this".
func textLikeComment(c string) bool {
	if !strings.HasPrefix(c, "#") {
		return false
	}
	r, _ := utf8.DecodeRuneInString(c[1:])
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// commentAt finds the comment c on a line at or after first (a plain text
// may run over several lines), returning its line and 1-based column.
func (d *decoder) commentAt(c string, first int) (line, col int) {
	for l := first; l < first+100; l++ {
		text := d.line(l)
		if i := strings.Index(text, " "+c); i >= 0 {
			return l, utf8.RuneCountInString(text[:i+1]) + 1
		}
		if text == "" && l > first {
			break
		}
	}
	return first, 0
}

// lostText warns about an unquoted value of key cut short by a comment that
// looks like part of it. Hashtags get their own advice: one per line,
// without the #.
func (d *decoder) lostText(key string, n *yaml.Node) {
	if n.Kind != yaml.ScalarNode || n.Style != 0 || isNull(n) || !textLikeComment(n.LineComment) {
		return
	}
	line, col := d.commentAt(n.LineComment, n.Line)
	if col == 0 {
		return
	}
	comment := strings.SplitN(n.LineComment, "\n", 2)[0]
	if isHashtagsKey(key) {
		d.warnf(line, col, "%s after %s is not part of the hashtag: YAML reads a space followed by # as the start of a comment, and leaves it out — write each hashtag on its own line starting with '- ', without the # (Placard adds it): - %s",
			quoteValue(comment), quoteValue(n.Value), hashtagAsTyped(comment))
		return
	}
	d.warnf(line, col, "%s ends before %s: YAML reads a space followed by # as the start of a comment, so the rest of the line is left out — put the whole value in quotes: %s: %s",
		quoteKey(key), quoteValue(comment), baseKey(key), quoteYAML(n.Value+" "+comment))
}

// isHashtagsKey reports whether key (as decode names it) is hashtags or
// one of its items.
func isHashtagsKey(key string) bool {
	return key == "hashtags" || key == "each of "+quoteKey("hashtags")
}

// baseKey is the setting's name within decode's "each of 'x'".
func baseKey(key string) string {
	if k, ok := strings.CutPrefix(key, "each of "); ok {
		return "- " + strings.Trim(k, "'")
	}
	return key
}

// quoteYAML writes s as YAML quoted text: in single quotes when it holds a
// " but no ', else in double quotes with " and \ escaped.
func quoteYAML(s string) string {
	if strings.Contains(s, `"`) && !strings.Contains(s, "'") {
		return "'" + s + "'"
	}
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// apostrophe explains a syntax error on a line whose value is written in
// single quotes and holds an apostrophe (target: 'Senators' offices'),
// which ends the text early; "" when the line is not like that.
func (d *decoder) apostrophe(line int) string {
	text := d.line(line)
	m := settingLine.FindStringSubmatchIndex(text)
	if m == nil {
		return ""
	}
	head := text[:m[1]]
	value := strings.TrimSpace(text[m[1]:])
	if c := strings.LastIndex(value, " #"); c > 0 && strings.Count(value[:c], "'")%2 == 0 {
		value = strings.TrimSpace(value[:c])
	}
	if len(value) < 3 || value[0] != '\'' || strings.Count(value, "'") < 3 {
		return ""
	}
	inner := strings.TrimSuffix(value[1:], "'")
	i := strings.Index(inner, "'")
	if i <= 0 {
		return ""
	}
	before, _ := utf8.DecodeLastRuneInString(inner[:i])
	if !unicode.IsLetter(before) && !unicode.IsDigit(before) {
		return ""
	}
	start, end := strings.LastIndexByte(inner[:i], ' ')+1, len(inner)
	if j := strings.IndexByte(inner[i:], ' '); j >= 0 {
		end = i + j
	}
	word := inner[start:end]
	inner = strings.ReplaceAll(inner, "''", "'")
	return fmt.Sprintf("the text in single quotes ends at the apostrophe in %s — write it in double quotes instead: %s %s", word, strings.TrimSpace(head), quoteDouble(inner))
}

// quoteDouble writes s in YAML double quotes.
func quoteDouble(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// hashtagAsTyped is a hashtag written with its # the way Placard wants it:
// without the #, as typed when it is one word, else as hashtagFix writes it.
func hashtagAsTyped(c string) string {
	t := strings.TrimLeft(strings.TrimSpace(c), "#")
	if t != "" && !strings.ContainsFunc(t, func(r rune) bool { return !hashtagChars(r) }) {
		return t
	}
	return hashtagFix(t)
}
