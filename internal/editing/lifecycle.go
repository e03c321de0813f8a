package editing

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"go.yaml.in/yaml/v4"
)

// ErrHandEdit is a file whose setting cannot be changed by a button without
// risking its layout (a flow mapping, a value over several lines, an anchor
// or tag on it): the organiser edits it by hand in the editor.
var ErrHandEdit = errors.New("editing: this setting is written in a way only a hand edit can change")

// Lifecycle keys the buttons change.
const (
	KeyStatus    = "status"
	KeyPublishAt = "publish_at"
	KeyCloseAt   = "close_at"
)

// SetKey returns text with the top-level setting key set to value, a plain
// scalar (a word or a date). Only the value on that one line changes:
// comments, order, quoting style of other settings and blank lines stay as
// they are. A missing key is added on a line of its own after the status
// line (or at the end when there is none). Quoted values keep their quotes.
//
// The result is parsed again before it is returned: unless key now reads
// value and every other top-level setting reads as before, SetKey refuses
// with ErrHandEdit rather than return a text it cannot vouch for.
func SetKey(text, key, value string) (string, error) {
	out, err := setKey(text, key, value)
	if err != nil {
		return "", err
	}
	before, err := topMapping(text)
	if err != nil {
		return "", ErrHandEdit
	}
	after, err := topMapping(out)
	if err != nil {
		return "", ErrHandEdit
	}
	b, a := settings(before), settings(after)
	if a[key] != fmt.Sprint(yaml.ScalarNode, " ", value, " ", 0) || len(a) != len(b)+btoi(b[key] == "") {
		return "", ErrHandEdit
	}
	for k, v := range b {
		if k != key && a[k] != v {
			return "", ErrHandEdit
		}
	}
	return out, nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// settings reads a mapping's top-level settings, each value summarised
// (its kind, text and number of children), for comparing two versions.
func settings(n *yaml.Node) map[string]string {
	m := map[string]string{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		v := n.Content[i+1]
		m[n.Content[i].Value] = fmt.Sprint(v.Kind, " ", v.Value, " ", len(v.Content))
	}
	return m
}

func setKey(text, key, value string) (string, error) {
	if !plainValue(value) {
		return "", fmt.Errorf("editing: %q is not a plain value", value)
	}
	// The parser does not count a byte-order mark in its columns.
	if rest, ok := strings.CutPrefix(text, "\ufeff"); ok {
		out, err := setKey(rest, key, value)
		if err != nil {
			return "", err
		}
		return "\ufeff" + out, nil
	}
	root, err := topMapping(text)
	if err != nil {
		return "", err
	}
	lines := strings.SplitAfter(text, "\n")
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if k.Value != key {
			continue
		}
		if v.Anchor != "" || v.Style&(yaml.TaggedStyle|yaml.LiteralStyle|yaml.FoldedStyle|yaml.FlowStyle) != 0 ||
			v.Kind != yaml.ScalarNode || strings.ContainsAny(v.Value, "\n") {
			return "", ErrHandEdit
		}
		if v.Tag == "!!null" && v.Value == "" || v.Tag == "!!null" && v.Line != k.Line {
			// "key:" with nothing after it: put the value after the colon.
			line := []rune(lines[k.Line-1])
			colon := indexRune(line, ':', k.Column-1+len([]rune(k.Value)))
			if colon < 0 {
				return "", ErrHandEdit
			}
			lines[k.Line-1] = string(line[:colon+1]) + " " + value + string(line[colon+1:])
			return strings.Join(lines, ""), nil
		}
		if v.Line != k.Line {
			return "", ErrHandEdit
		}
		line := []rune(lines[v.Line-1])
		start := v.Column - 1
		end, ok := scalarEnd(line, start, v.Style)
		if !ok {
			return "", ErrHandEdit
		}
		repl := []rune(value)
		switch {
		case v.Style&yaml.DoubleQuotedStyle != 0:
			repl = []rune(`"` + value + `"`)
		case v.Style&yaml.SingleQuotedStyle != 0:
			repl = []rune(`'` + value + `'`)
		}
		lines[v.Line-1] = string(line[:start]) + string(repl) + string(line[end:])
		return strings.Join(lines, ""), nil
	}
	// Add the key: after the status line, else at the end.
	indent := 0
	if len(root.Content) > 0 {
		indent = root.Content[0].Column - 1
	}
	newLine := strings.Repeat(" ", indent) + key + ": " + value + "\n"
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if k.Value == KeyStatus && v.Line == k.Line && v.Kind == yaml.ScalarNode && !strings.Contains(v.Value, "\n") {
			at := k.Line // insert after this line (0-based index k.Line)
			out := append([]string{}, lines[:at]...)
			if !strings.HasSuffix(lines[at-1], "\n") {
				out[at-1] += "\n"
			}
			out = append(out, newLine)
			out = append(out, lines[at:]...)
			return strings.Join(out, ""), nil
		}
	}
	if text != "" && !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	return text + newLine, nil
}

// plainValue reports whether v can be written as it is, unquoted: letters,
// digits and . _ + - :, not starting with a sign or colon.
func plainValue(v string) bool {
	if v == "" || len(v) > 64 || strings.ContainsAny(v[:1], "-+:.") {
		return false
	}
	for _, r := range v {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._+-:", r)) {
			return false
		}
	}
	return true
}

// topMapping parses text into its top-level block mapping.
func topMapping(text string) (*yaml.Node, error) {
	ld, err := yaml.NewLoader(strings.NewReader(text))
	if err != nil {
		return nil, ErrHandEdit
	}
	var doc yaml.Node
	if err := ld.Load(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return &yaml.Node{Kind: yaml.MappingNode}, nil
		}
		return nil, ErrHandEdit
	}
	if len(doc.Content) == 0 {
		return &yaml.Node{Kind: yaml.MappingNode}, nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode || root.Style&yaml.FlowStyle != 0 {
		return nil, ErrHandEdit
	}
	return root, nil
}

func indexRune(line []rune, r rune, from int) int {
	for i := max(from, 0); i < len(line); i++ {
		if line[i] == r {
			return i
		}
	}
	return -1
}

// scalarEnd finds where the one-line scalar starting at line[start] ends:
// after its closing quote, or for a plain scalar before a comment (" #")
// and trailing spaces.
func scalarEnd(line []rune, start int, style yaml.Style) (int, bool) {
	if start < 0 || start >= len(line) {
		return 0, false
	}
	switch {
	case style&yaml.DoubleQuotedStyle != 0:
		for i := start + 1; i < len(line); i++ {
			switch line[i] {
			case '\\':
				i++
			case '"':
				return i + 1, true
			}
		}
		return 0, false
	case style&yaml.SingleQuotedStyle != 0:
		for i := start + 1; i < len(line); i++ {
			if line[i] == '\'' {
				if i+1 < len(line) && line[i+1] == '\'' {
					i++
					continue
				}
				return i + 1, true
			}
		}
		return 0, false
	}
	end := len(line)
	for i := start; i < len(line); i++ {
		if line[i] == '#' && i > start && (line[i-1] == ' ' || line[i-1] == '\t') {
			end = i
			break
		}
		if line[i] == '\n' || line[i] == '\r' {
			end = i
			break
		}
	}
	for end > start && (line[end-1] == ' ' || line[end-1] == '\t') {
		end--
	}
	return end, true
}

// Date formats t as a lifecycle value: YYYY-MM-DD at midnight UTC, else
// YYYY-MM-DDTHH:MM:SSZ.
func Date(t time.Time) string {
	t = t.UTC()
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
		return t.Format("2006-01-02")
	}
	return t.Format("2006-01-02T15:04:05Z")
}

// Publish makes the campaign public: status published, and publish_at set
// when at is not zero (a scheduled publication).
func Publish(text string, at time.Time) (string, error) {
	out, err := SetKey(text, KeyStatus, "published")
	if err != nil || at.IsZero() {
		return out, err
	}
	return SetKey(out, KeyPublishAt, Date(at.Truncate(time.Second)))
}

// Close stops the campaign taking actions: status closed now when at is
// zero, else close_at set to at (a scheduled close).
func Close(text string, at time.Time) (string, error) {
	if at.IsZero() {
		return SetKey(text, KeyStatus, "closed")
	}
	return SetKey(text, KeyCloseAt, Date(at.Truncate(time.Second)))
}

// Change edits one of the organisation's campaign files with edit (such as
// Publish or Close) and saves it through the same check and version test as
// the editor: base is the version the organiser's page showed.
func (w *Workspace) Change(ctx context.Context, org, name, base string, a Author, why string, edit func(string) (string, error)) (Saved, error) {
	if name == "org.yaml" {
		return Saved{}, ErrNotFound
	}
	doc, err := w.Open(org, name)
	if err != nil {
		return Saved{}, err
	}
	if doc.Version != base {
		return Saved{Conflict: &Conflict{Version: doc.Version}}, nil
	}
	text, err := edit(doc.Text)
	if err != nil {
		return Saved{}, err
	}
	return w.Save(ctx, Save{Org: org, Name: name, Base: base, Text: text, Author: a, Why: why})
}
