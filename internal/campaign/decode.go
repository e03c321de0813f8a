package campaign

import (
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"go.yaml.in/yaml/v4"
)

// The decoder turns one YAML file into the domain structs. It does not use
// yaml's own struct decoding: it parses into a yaml.Node tree and walks the
// Go types itself, so that every mistake is reported at its own line and
// column, in words an organiser understands, and decoding carries on past it
// so that one run reports everything.
//
// Every value it writes is remembered with its position (see positions), so
// the validation that follows can point at the value it complains about.

// maxYAMLSize bounds a campaign or organisation file. Real files are a few
// kilobytes; anything this large is a mistake (a picture saved as .yaml).
const maxYAMLSize = 1 << 20

// maxNodes bounds the work one file can cause, counting YAML aliases each
// time they are followed, so a file of nested aliases cannot stall a load.
const maxNodes = 100_000

// where is a position in an organiser's file. Line and Col are 0 when the
// problem concerns the whole file.
type where struct {
	File      string
	Line, Col int
}

// posKey identifies one decoded Go value: its address and its type (a
// struct and its first field share an address, so the type tells them apart).
type posKey struct {
	addr uintptr
	typ  reflect.Type
}

// positions maps every value the decoder wrote to the YAML node it came
// from. Decoded values live on the heap (they are reached through the
// pointers and slices the decoder allocated) and Go's collector does not
// move heap objects, so an address stays a valid key for as long as the
// loaded structs are alive, which is the whole load.
type positions map[posKey]where

// of returns the position of the value p points to, and whether it is known.
func (ps positions) of(p any) (where, bool) {
	v := reflect.ValueOf(p)
	if v.Kind() != reflect.Pointer || v.IsNil() {
		return where{}, false
	}
	w, ok := ps[posKey{v.Pointer(), v.Type().Elem()}]
	return w, ok
}

// misspelling is a setting key that a group of settings (at addr) was
// told it probably meant.
type misspelling struct {
	addr uintptr
	key  string
}

// decoder decodes one file.
type decoder struct {
	file  string
	src   []byte
	pos   positions
	probs *Problems
	nodes int
	// misspelt records settings reported as a likely typo of another, so the
	// checks that follow do not also say the intended setting is missing.
	misspelt map[misspelling]bool
	// bad records values whose YAML had the wrong shape (a list where a
	// group of settings belongs, say): already reported, so checks skip them.
	bad map[posKey]bool
	// literal records text written as a literal block (after '|'), whose
	// lines are the file's lines, so a problem inside it can be placed exactly.
	literal map[posKey]bool
	// size is the file's size, when it is too large to read.
	size int64
	// unreadable marks a file that could not be read (already reported).
	unreadable bool
	// langs are the organisation's languages, the default first; trans
	// receives the texts of the others (translate.go).
	langs []string
	trans translations
	// field says whether the setting being decoded is translatable text.
	field fieldContext
	// recovered receives the lines emptied to read past a syntax error,
	// and syntax the syntax errors reported (recover.go); both are the
	// loader's.
	recovered map[recoveredLine]bool
	syntax    map[Problem]bool
	// pre is the file's YAML read ahead (preparse), or nil.
	pre *yamlDocs
}

func (d *decoder) errorf(n *yaml.Node, format string, args ...any) {
	line, col := 0, 0
	if n != nil {
		line, col = n.Line, n.Column
	}
	*d.probs = append(*d.probs, Problem{File: d.file, Line: line, Col: col, Message: fmt.Sprintf(format, args...)})
}

// parse reads src into a document's root node. It reports syntax errors,
// an empty file and a file of several documents, and returns nil then.
// what names the file's content for messages: "campaign" or "organisation".
func (d *decoder) parse(what string) *yaml.Node {
	if d.unreadable {
		return nil
	}
	if d.size > maxYAMLSize {
		d.errorf(nil, "this file is %s, far larger than a %s file should be (at most 1 MB) — check that it is the right file", sizeText(d.size), what)
		return nil
	}
	if !utf8.Valid(d.src) {
		line, col := firstInvalidUTF8(d.src)
		*d.probs = append(*d.probs, Problem{File: d.file, Line: line, Col: col,
			Message: "this file is not UTF-8 text — save it again choosing the UTF-8 encoding"})
		return nil
	}
	if line, col, r := firstControl(d.src); line > 0 {
		// The YAML library refuses these without saying where.
		*d.probs = append(*d.probs, Problem{File: d.file, Line: line, Col: col,
			Message: fmt.Sprintf("this line holds an invisible control character (U+%04X), which YAML does not allow — delete it (text copied from a PDF or a word processor often brings one)", r)})
		return nil
	}
	y := d.pre
	d.pre = nil
	if y == nil {
		y = &yamlDocs{}
		y.docs, y.err = loadDocs(d.src)
	}
	docs, err := y.docs, y.err
	if err != nil {
		// Report the syntax error, and read the rest of the file if the
		// parser can get past it (recover.go).
		if docs = d.recoverDocs(err); docs == nil {
			return nil
		}
	}
	if len(docs) > 1 {
		at := docs[1]
		if len(at.Content) > 0 {
			at = at.Content[0]
		}
		d.errorf(at, "this file holds a second document after a '---' line — keep one %s per file and remove the '---' line above this one", what)
		return nil
	}
	if len(docs) == 0 || len(docs[0].Content) == 0 || isNull(docs[0].Content[0]) {
		d.errorf(nil, "this file is empty — %s", emptyHint(what))
		return nil
	}
	root := docs[0].Content[0]
	if !d.checkExpansion(root) {
		return nil
	}
	d.checkLostWords(root)
	switch root.Kind {
	case yaml.MappingNode:
		return root
	case yaml.SequenceNode:
		d.errorf(root, "a %s file must be a set of settings (such as title: …), not a list — remove the '- ' in front of the first setting and line the settings up on the left", what)
	default:
		d.errorf(root, "a %s file must be a set of settings, each written name: value (such as title: …) — this file holds a single value", what)
	}
	return nil
}

// checkLostWords reports a plain value that starts with a word YAML takes
// for something else and drops: an anchor no alias uses ("summary: &co
// Say hello." gives "Say hello.") or a tag that is not one of YAML's own
// ("title: !Stop the eviction" gives "the eviction"). The page would show
// the rest without a word. An anchor an alias uses, YAML's own types
// (!!str) and quoted or block text keep every word and pass.
func (d *decoder) checkLostWords(root *yaml.Node) {
	used := map[*yaml.Node]bool{}
	var suspects []*yaml.Node
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.AliasNode {
			used[n.Alias] = true
			return
		}
		if n.Kind == yaml.ScalarNode && n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) == 0 &&
			(n.Anchor != "" || foreignTag(n)) {
			suspects = append(suspects, n)
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(root)
	for _, n := range suspects {
		switch {
		case foreignTag(n):
			d.errorf(n, "a value cannot start with '!' — put the whole value in quotes (YAML reads %s as the value's type and leaves it out)", quoteValue(n.Tag))
		case !used[n]:
			d.errorf(n, "a value cannot start with '&' — put the whole value in quotes (YAML reads %s as a name for the value and leaves it out)", quoteValue("&"+n.Anchor))
		}
	}
}

// foreignTag reports whether n was written with a tag that is not one of
// YAML's own (!!str, !!int, …).
func foreignTag(n *yaml.Node) bool {
	return n.Style&yaml.TaggedStyle != 0 && !strings.HasPrefix(n.Tag, "!!")
}

// yamlDocs is a file's YAML as loadDocs read it.
type yamlDocs struct {
	docs []*yaml.Node
	err  error
}

// preparse reads the YAML of the decoders' files that parse would read
// (loadDocs, which touches nothing but the file's bytes), on GOMAXPROCS
// goroutines, and gives each decoder its result: parsing was most of a
// load's time and ran on one core (issue 12: start and reload within 1 s
// per 1,000 campaigns using both cores). What is reported, and in which
// order, is left to parse (and recoverDocs, after a syntax error).
func preparse(ds []*decoder) {
	var todo []*decoder
	for _, d := range ds {
		if !d.unreadable && d.size <= maxYAMLSize && utf8.Valid(d.src) {
			todo = append(todo, d)
		}
	}
	var next atomic.Int64
	work := func() {
		for {
			i := int(next.Add(1)) - 1
			if i >= len(todo) {
				return
			}
			y := &yamlDocs{}
			y.docs, y.err = loadDocs(todo[i].src)
			todo[i].pre = y
		}
	}
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(todo)) - 1 {
		wg.Go(work)
	}
	work()
	wg.Wait()
}

func emptyHint(what string) string {
	switch what {
	case "organisation":
		return "an organisation file needs at least name: with the organisation's name"
	case "site":
		return "write name: with the site's name, or remove the file"
	}
	return "a campaign needs at least title:, summary: and date:"
}

// firstInvalidUTF8 returns the 1-based line and column of the first byte that
// is not UTF-8.
func firstInvalidUTF8(b []byte) (line, col int) {
	line, col = 1, 1
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size <= 1 {
			return line, col
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		b = b[size:]
	}
	return line, col
}

// firstControl returns the line and column (from 1) of the first
// character of b, valid UTF-8, that YAML does not allow in a file: a C0
// control other than tab, line feed and carriage return, U+FFFE or
// U+FFFF. Line 0 means there is none.
func firstControl(b []byte) (line, col int, r rune) {
	line, col = 1, 1
	for len(b) > 0 {
		c, size := utf8.DecodeRune(b)
		switch {
		case c == '\n':
			line, col = line+1, 1
		case c < 0x20 && c != '\t' && c != '\r', c == 0xFFFE, c == 0xFFFF:
			return line, col, c
		default:
			col++
		}
		b = b[size:]
	}
	return 0, 0, 0
}

// syntaxError reports a YAML syntax error in plain words. The library's
// messages describe the parser's state; these describe the usual cause and
// its fix, at the place the organiser has to look. It returns the line it
// reported at, 0 for none.
func (d *decoder) syntaxError(err error) int {
	var le *yaml.LoadError
	if !errors.As(err, &le) {
		d.errorf(nil, "this file is not valid YAML: %v", err)
		return 0
	}
	line, col := le.Mark.Line, le.Mark.Column
	atContext := func() {
		if le.ContextMark.Line > 0 {
			line, col = le.ContextMark.Line, le.ContextMark.Column
		}
	}
	msg := le.Message
	char := d.charAt(line, col)
	var text string
	switch {
	case strings.Contains(msg, "tab") || char == '\t':
		if c := d.tabOnLine(line); c > 0 {
			col = c
		}
		text = "this line is indented with a tab — YAML only understands spaces: replace the tab with spaces"
	case strings.Contains(msg, "unexpected end of stream") && strings.Contains(le.ContextMsg, "quoted scalar"):
		atContext()
		q := d.charAt(line, col)
		if q != '\'' && q != '"' {
			q = '"'
		}
		inside := `to write " inside it, write \"`
		if q == '\'' {
			inside = "to write ' inside it, write it twice: ''"
		}
		text = fmt.Sprintf("the text that starts with %c here never ends — add the closing %c at its end (%s)", q, q, inside)
	case strings.Contains(msg, "expected ',' or ']'"):
		atContext()
		text = "the list that opens with '[' here is not closed — add ']' at its end (a value containing a comma or bracket must be put in quotes)"
	case strings.Contains(msg, "expected ',' or '}'"):
		atContext()
		text = "the group that opens with '{' here is not closed — add '}' at its end (a value containing a comma or brace must be put in quotes)"
	case strings.Contains(msg, "mapping values are not allowed") && d.noColonAbove(&line, &col):
		text = "this line has no ':' after the setting's name — write the setting as name: value"
	case strings.Contains(msg, "mapping values are not allowed"):
		text = "unexpected ':' — a value that contains ': ' must be put in quotes (\"like: this\"); otherwise check that this line is indented the same as the setting above it"
	case strings.Contains(msg, "did not find expected key") && d.apostrophe(line) != "":
		text = d.apostrophe(line)
	case strings.Contains(msg, "did not find expected key") && d.afterQuote(line, col):
		text = "there is more text after the closing quote — put the whole value inside the quotes"
	case strings.Contains(msg, "did not find expected key"):
		text = "this line is not lined up with the settings around it — settings at the same level must start at the same column"
	case strings.Contains(msg, "expected '-' indicator"):
		text = "this line is not lined up with the list around it — start each item with '- ' at the same column, and line up an item's settings under its first one"
	case strings.Contains(msg, "block sequence entries are not allowed"):
		text = "a list item ('- ') cannot go here — start the list on the line after its setting's name, each item on its own line"
	case strings.Contains(msg, "could not find expected ':'"):
		atContext()
		text = "this line has no ':' after the setting's name — write the setting as name: value"
	case strings.Contains(msg, "unknown anchor"):
		text = "a value cannot start with '*' — put the whole value in quotes"
	case strings.Contains(msg, "cannot start any token") && char != 0:
		text = fmt.Sprintf("a value cannot start with '%c' — put the whole value in quotes", char)
	case strings.Contains(msg, "unknown escape character"):
		text = "this double-quoted text has a backslash YAML does not understand — write \\\\ for a backslash, or use single quotes"
	case strings.Contains(msg, "did not find expected node content"):
		text = "a value is missing here — write one after the ':' or remove the stray character"
	case (strings.Contains(msg, "alphabetic or numeric") || strings.Contains(msg, "tag") || strings.Contains(msg, "URI")) && strings.ContainsRune("&*!", d.wordStart(line, &col)):
		// An anchor, alias or tag with no name: "& friends", "* Urgent".
		text = fmt.Sprintf("a value cannot start with '%c' — put the whole value in quotes", d.charAt(line, col))
	case strings.Contains(msg, "max depth"):
		text = "the lists and groups here are nested more than 10,000 levels deep — a campaign needs only a few: check for a '[' or '{' that is never closed"
	case (strings.Contains(msg, "directive") || strings.Contains(msg, "incompatible YAML document")) && strings.HasPrefix(d.line(line), "%"):
		col = 1
		text = "a line cannot start with '%' — YAML reads it as an instruction: put the value in quotes, or delete the line"
	case strings.Contains(msg, "did not find expected comment or line break"):
		text = "this line goes on where it should end — after '|' or '>' start the text on the next line; otherwise put the whole value in quotes"
	default:
		text = "this is not valid YAML (" + msg + ") — check the quotes and indentation here"
	}
	p := Problem{File: d.file, Line: line, Col: col, Message: text}
	*d.probs = append(*d.probs, p)
	if d.syntax != nil {
		d.syntax[p] = true
	}
	return line
}

// noColonAbove reports whether the line before *line is a plain line with
// no ':' (a setting missing its colon, which YAML reads as the start of a
// longer text and only trips over on the next line), and if so moves the
// position to it.
func (d *decoder) noColonAbove(line, col *int) bool {
	above := d.line(*line - 1)
	t := strings.TrimSpace(above)
	if t == "" || strings.ContainsAny(t, ":#\"'|>") || strings.HasPrefix(t, "-") || strings.HasPrefix(t, "[") || strings.HasPrefix(t, "{") {
		return false
	}
	*line--
	*col = utf8.RuneCountInString(above[:len(above)-len(strings.TrimLeft(above, " "))]) + 1
	return true
}

// afterQuote reports whether the text before a position ends with a closing
// quote, as in title: "Save" the library.
func (d *decoder) afterQuote(line, col int) bool {
	r := []rune(d.line(line))
	if col-1 > len(r) || col < 2 {
		return false
	}
	before := strings.TrimRight(string(r[:col-1]), " ")
	return strings.HasSuffix(before, `"`) || strings.HasSuffix(before, "'")
}

// charAt returns the character at a 1-based line and column of the source, or 0.
func (d *decoder) charAt(line, col int) rune {
	l := d.line(line)
	for i, r := range []rune(l) {
		if i == col-1 {
			return r
		}
	}
	return 0
}

// wordStart moves *col back to the start of the word (the characters
// after the last space) the column is in, or just after, and returns its
// first character.
func (d *decoder) wordStart(line int, col *int) rune {
	l := []rune(d.line(line))
	i := min(*col, len(l)) - 1 // *col is 1-based
	if i >= 0 && l[i] == ' ' {
		i--
	}
	for i > 0 && l[i-1] != ' ' {
		i--
	}
	if i < 0 {
		return 0
	}
	*col = i + 1
	return l[i]
}

// tabOnLine returns the column of the first tab on a line, or 0.
func (d *decoder) tabOnLine(line int) int {
	for i, r := range []rune(d.line(line)) {
		if r == '\t' {
			return i + 1
		}
	}
	return 0
}

func (d *decoder) line(n int) string {
	if n < 1 {
		return ""
	}
	s := string(d.src)
	for i := 1; i < n; i++ {
		j := strings.IndexByte(s, '\n')
		if j < 0 {
			return ""
		}
		s = s[j+1:]
	}
	if j := strings.IndexByte(s, '\n'); j >= 0 {
		s = s[:j]
	}
	return strings.TrimSuffix(s, "\r")
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

var (
	timeType     = reflect.TypeFor[time.Time]()
	durationType = reflect.TypeFor[time.Duration]()
	relatedType  = reflect.TypeFor[Related]()
	actionType   = reflect.TypeFor[Action]()
	imageType    = reflect.TypeFor[Image]()
	redirectType = reflect.TypeFor[[]Redirect]()
	shareTextTyp = reflect.TypeFor[ShareText]()
	stringsType  = reflect.TypeFor[map[string]map[string]string]()
	stringType   = reflect.TypeFor[string]()
)

// decode writes node n into v, which must be addressable. key is the setting's
// name for messages (such as "goal"), or "each of 'amounts'" for list items.
func (d *decoder) decode(n *yaml.Node, v reflect.Value, key string) {
	d.nodes++
	if d.nodes > maxNodes {
		if d.nodes == maxNodes+1 {
			d.errorf(n, "this file repeats too much through anchors and aliases (& and *) to be read — write the values out")
		}
		return
	}
	for n.Kind == yaml.AliasNode {
		if n.Alias == nil {
			return
		}
		n = n.Alias
	}
	d.pos[posKey{v.Addr().Pointer(), v.Type()}] = where{d.file, n.Line, n.Column}
	if isNull(n) && (v.Kind() != reflect.Struct || v.Type() == timeType) {
		return // an empty value leaves the setting unset
	}
	if t := v.Type(); t == shareTextTyp && isTranslation(n) && d.field.text {
		// One message written per language (en: …, ar: …): a list of one,
		// translated like any text.
		one := reflect.MakeSlice(t, 1, 1)
		v.Set(one)
		d.pos[posKey{one.Index(0).Addr().Pointer(), stringType}] = where{d.file, n.Line, n.Column}
		d.decodeTranslation(n, one.Index(0), key)
		return
	}
	if t := v.Type(); isTranslation(n) && (t.Kind() != reflect.Struct || t == timeType) && t.Kind() != reflect.Slice && t.Kind() != reflect.Pointer && t != stringsType {
		if d.field.text && (t == stringType || t == markdownType) {
			d.decodeTranslation(n, v, key)
		} else {
			d.errorf(n, "%s is the same in every language — write one value, not one per language", quoteKey(key))
		}
		return
	}
	switch t := v.Type(); {
	case t == stringsType:
		d.decodeStrings(n, v)
	case t == timeType:
		d.decodeTime(n, v, key)
	case t == durationType:
		d.decodeDuration(n, v, key)
	case t == relatedType && n.Kind == yaml.ScalarNode:
		r := v.Addr().Interface().(*Related)
		r.Campaign = n.Value
		d.pos[posKey{reflect.ValueOf(&r.Campaign).Pointer(), reflect.TypeFor[string]()}] = where{d.file, n.Line, n.Column}
	case t == actionType:
		d.decodeAction(n, v.Addr().Interface().(*Action))
	case t == redirectType:
		d.decodeRedirects(n, v.Addr().Interface().(*[]Redirect))
	case t == shareTextTyp && n.Kind == yaml.MappingNode:
		d.bad[posKey{v.Addr().Pointer(), t}] = true
		d.errorf(n, "%s must be a message, or a list of messages each on its own line starting with '- ' — got a group of settings (if the message contains ': ', put it in quotes)", quoteKey(key))
	case t == shareTextTyp && n.Kind == yaml.ScalarNode:
		// One message, written as plain text: a list of one.
		one := reflect.MakeSlice(t, 1, 1)
		v.Set(one)
		d.decode(n, one.Index(0), key)
	case t.Kind() == reflect.String:
		if s, ok := d.scalar(n, key, "text"); ok {
			v.SetString(s)
			d.lostText(key, n)
			if n.Style&yaml.LiteralStyle != 0 {
				d.literal[posKey{v.Addr().Pointer(), t}] = true
			}
		} else {
			d.bad[posKey{v.Addr().Pointer(), t}] = true
		}
	case t.Kind() == reflect.Int:
		s, ok := d.scalar(n, key, "a whole number, like "+intExample(key))
		if !ok {
			return
		}
		i, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			d.errorf(n, "%s must be a whole number, like %s — got %s%s", quoteKey(key), intExample(key), quoteValue(s), intHint(s))
			return
		}
		v.SetInt(int64(i))
	case t.Kind() == reflect.Bool:
		s, ok := d.scalar(n, key, "true or false")
		if !ok {
			return
		}
		switch strings.ToLower(strings.TrimSpace(s)) {
		case "true", "yes", "on":
			v.SetBool(true)
		case "false", "no", "off":
			v.SetBool(false)
		default:
			d.errorf(n, "%s must be true or false, not %s", quoteKey(key), quoteValue(s))
		}
	case t.Kind() == reflect.Slice:
		d.decodeList(n, v, key)
	case t.Kind() == reflect.Pointer:
		p := reflect.New(t.Elem())
		v.Set(p)
		d.decode(n, p.Elem(), key)
	case t.Kind() == reflect.Struct:
		if isNull(n) {
			return
		}
		d.decodeStruct(n, v, key, nounFor(t, key))
	}
}

// decodeRedirects reads org.yaml's redirects, a mapping of old slug to new
// slug, in file order, remembering where each slug was written.
func (d *decoder) decodeRedirects(n *yaml.Node, rs *[]Redirect) {
	if n.Kind != yaml.MappingNode {
		d.errorf(n, "'redirects' must be a group of lines like  old-name: new-name  — one for each renamed campaign")
		return
	}
	if d.tooLong(n, "redirects", len(n.Content)/2) {
		return
	}
	out := make([]Redirect, len(n.Content)/2)
	for i := range out {
		k, v := n.Content[2*i], n.Content[2*i+1]
		r := &out[i]
		r.From, _ = d.scalar(k, "redirects", "a campaign's old name")
		r.To, _ = d.scalar(v, r.From, "the campaign's new name")
		d.pos[posKey{reflect.ValueOf(&r.From).Pointer(), reflect.TypeFor[string]()}] = where{d.file, k.Line, k.Column}
		d.pos[posKey{reflect.ValueOf(&r.To).Pointer(), reflect.TypeFor[string]()}] = where{d.file, v.Line, v.Column}
	}
	*rs = out
}

// scalar returns n's text, or reports that key must be `want` when n is a list
// or a mapping.
func (d *decoder) scalar(n *yaml.Node, key, want string) (string, bool) {
	switch n.Kind {
	case yaml.ScalarNode:
		if strings.IndexByte(n.Value, 0) >= 0 {
			// Written as \0 or \x00 in quotes: no page shows it, and a
			// consent sentence or name holding it would make every
			// signature that stores it refused (store.CheckSignature).
			d.errorf(n, "%s holds an invisible NUL character, written \\0 or \\x00 in quotes — delete it", quoteKey(key))
			return "", false
		}
		return n.Value, true
	case yaml.SequenceNode:
		d.errorf(n, "%s must be %s, not a list", quoteKey(key), want)
	default:
		d.errorf(n, "%s must be %s, not a group of settings — if the text contains ': ', put it in quotes", quoteKey(key), want)
	}
	return "", false
}

func (d *decoder) decodeList(n *yaml.Node, v reflect.Value, key string) {
	if n.Kind != yaml.SequenceNode {
		d.bad[posKey{v.Addr().Pointer(), v.Type()}] = true
		got := "a group of settings"
		if n.Kind == yaml.ScalarNode {
			got = quoteValue(n.Value)
		}
		d.errorf(n, "%s must be a list, each item on its own line starting with '- ' (or written [a, b]) — got %s", quoteKey(key), got)
		return
	}
	if d.tooLong(n, key, len(n.Content)) {
		d.bad[posKey{v.Addr().Pointer(), v.Type()}] = true
		return
	}
	s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	v.Set(s)
	item := "each of " + quoteKey(key)
	for i, c := range n.Content {
		if isNull(c) && c.Value == "" {
			d.commentedValue(key, c.Line, c, true) // - #SaveTheLibrary
		}
		d.decode(c, s.Index(i), item)
	}
}

func (d *decoder) decodeTime(n *yaml.Node, v reflect.Value, key string) {
	s, ok := d.scalar(n, key, "a date, like 2026-02-10")
	if !ok {
		return
	}
	t, ok := parseDate(s)
	if !ok {
		d.errorf(n, "%s must be a date written year-month-day, like 2026-02-10 (or with a time, like 2026-02-10T09:00:00Z) — got %s", quoteKey(key), quoteValue(s))
		return
	}
	if t.Year() < 1900 || t.Year() > 2199 {
		d.errorf(n, "%s is in the year %d — check the year", quoteKey(key), t.Year())
		return
	}
	v.Set(reflect.ValueOf(t))
}

// parseDate accepts YYYY-MM-DD (midnight UTC) or an RFC 3339 time.
func parseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, true
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, true
	}
	return time.Time{}, false
}

func (d *decoder) decodeDuration(n *yaml.Node, v reflect.Value, key string) {
	s, ok := d.scalar(n, key, "a length of time, like 34m")
	if !ok {
		return
	}
	dur, ok := parseDuration(s)
	if !ok {
		hint := ""
		if _, err := strconv.Atoi(strings.TrimSpace(s)); err == nil {
			hint = " (add a unit: m for minutes, h for hours)"
		}
		d.errorf(n, "%s must be a length of time, like 34m, 1h5m or 1:02:03 — got %s%s", quoteKey(key), quoteValue(s), hint)
		return
	}
	v.SetInt(int64(dur))
}

// parseDuration accepts Go-style durations with optional spaces ("34m",
// "1h5m", "1h 5m", "90s") and clock style: "12:30" (minutes:seconds) or
// "1:02:03" (hours:minutes:seconds). It rejects negative and zero lengths.
func parseDuration(s string) (time.Duration, bool) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, ":") {
		parts := strings.Split(s, ":")
		if len(parts) > 3 {
			return 0, false
		}
		var total time.Duration
		for i, p := range parts {
			if len(p) == 0 || len(p) > 3 || (i > 0 && len(p) != 2) {
				return 0, false
			}
			x, err := strconv.Atoi(p)
			if err != nil || x < 0 || (i > 0 && x > 59) {
				return 0, false
			}
			total = total*60 + time.Duration(x)
		}
		if total <= 0 {
			return 0, false
		}
		return total * time.Second, true
	}
	dur, err := time.ParseDuration(strings.ReplaceAll(s, " ", ""))
	if err != nil || dur <= 0 {
		return 0, false
	}
	return dur, true
}

// field is one setting of a struct: its key and its index.
type field struct {
	key   string
	index int
}

// fieldsOf lists the settings of a struct type, in declaration order: every
// field with a yaml tag other than "-". (Reflection over a dozen fields is
// cheap next to parsing, so there is no cache to share between loads.)
func fieldsOf(t reflect.Type) []field {
	var fs []field
	for i := range t.NumField() {
		tag, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if tag == "" || tag == "-" {
			continue
		}
		fs = append(fs, field{tag, i})
	}
	return fs
}

func findField(fs []field, key string) (int, bool) {
	for _, f := range fs {
		if f.key == key {
			return f.index, true
		}
	}
	return 0, false
}

func keysOf(fs []field) []string {
	keys := make([]string, len(fs))
	for i, f := range fs {
		keys[i] = f.key
	}
	return keys
}

// pairs walks a mapping's keys and values, reporting keys that are not plain
// text and keys written twice; fn sees each remaining pair.
func (d *decoder) pairs(n *yaml.Node, fn func(key string, k, v *yaml.Node)) {
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.AliasNode && k.Alias != nil {
			k = k.Alias
		}
		if k.Kind != yaml.ScalarNode {
			d.errorf(k, "a setting's name must be plain text, such as title")
			continue
		}
		if k.Tag == "!!merge" {
			d.errorf(k, "'<<' (merging in settings from an anchor) is not supported — write the settings out in full")
			continue
		}
		if prev := seen[k.Value]; prev != nil {
			d.errorf(k, "%s is already set on line %d — remove one of them", quoteKey(k.Value), prev.Line)
			continue
		}
		seen[k.Value] = k
		if isNull(v) && v.Value == "" && k.LineComment != "" {
			d.commentedValue(k.Value, k.Line, v, false)
		}
		fn(k.Value, k, v)
	}
}

// commentedValue reports a value that YAML read as a comment: in
// `primary: #0b5d3b` or `- #SaveTheLibrary`, a space and # start a comment,
// so the value is empty. v (the empty value) is moved to the #, so the
// problem and any later one about the empty value share its position.
func (d *decoder) commentedValue(key string, line int, v *yaml.Node, item bool) {
	text := d.line(line)
	hash := strings.Index(text, " #") + 1
	if hash <= 0 {
		return
	}
	col := utf8.RuneCountInString(text[:hash]) + 1
	comment := strings.TrimSpace(text[hash:])
	// "# note" with a space is a real comment; "#0b5d3b" is a lost value.
	if col <= v.Column-1 || len(comment) < 2 || comment[1] == ' ' || comment[1] == '#' {
		return
	}
	v.Line, v.Column = line, col
	switch {
	case item && key == "hashtags":
		d.errorf(v, "this hashtag is empty because YAML reads a space followed by # as the start of a comment — write hashtags without the # (Placard adds it): - %s", hashtagAsTyped(comment))
	case item:
		d.errorf(v, "this item of %s is empty because YAML reads a space followed by # as the start of a comment — put it in quotes: - \"%s\"", quoteKey(key), comment)
	default:
		d.errorf(v, "%s is empty because YAML reads a space followed by # as the start of a comment — put the value in quotes: %s: \"%s\"", quoteKey(key), key, comment)
	}
}

// decodeStruct decodes a mapping into the struct v. noun names the struct in
// messages, such as "campaign" or "media contact".
func (d *decoder) decodeStruct(n *yaml.Node, v reflect.Value, key, noun string) {
	fs := fieldsOf(v.Type())
	if n.Kind != yaml.MappingNode {
		d.bad[posKey{v.Addr().Pointer(), v.Type()}] = true
		got := "a list"
		if n.Kind == yaml.ScalarNode {
			got = quoteValue(n.Value)
		}
		switch {
		case v.Type() == relatedType:
			d.errorf(n, "%s must be a campaign's name (such as save-the-library or org/save-the-library) or an outside page written with title: and link: — got %s", quoteKey(key), got)
		case strings.HasPrefix(key, "each of "):
			d.errorf(n, "%s must be a group of settings (%s) — got %s", key, strings.Join(keysOf(fs), ", "), got)
		default:
			d.errorf(n, "%s must be a group of settings (%s), each on its own line and indented under %s — got %s", quoteKey(key), strings.Join(keysOf(fs), ", "), quoteKey(key), got)
		}
		return
	}
	d.pairs(n, func(name string, k, val *yaml.Node) {
		i, ok := findField(fs, name)
		if !ok {
			d.unknown(k, noun, name, keysOf(fs), v.Addr().Pointer())
			return
		}
		d.field.text, d.field.required = textSetting(v.Type(), name)
		d.decode(val, v.Field(i), name)
	})
}

// unknown reports a setting that a struct does not have, suggesting the
// closest setting it does have.
func (d *decoder) unknown(k *yaml.Node, noun, name string, known []string, group uintptr) {
	if s := didYouMean(name, known); s != "" {
		d.misspelt[misspelling{group, s}] = true
		d.errorf(k, "%s has no setting %s — did you mean %s?", noun, quoteValue(name), quoteValue(s))
		return
	}
	d.errorf(k, "%s has no setting %s — its settings are %s", noun, quoteValue(name), strings.Join(known, ", "))
}

// kindTypes maps each kind of call to action to the struct of its own settings.
var kindTypes = map[Kind]reflect.Type{
	KindStatement: reflect.TypeFor[Statement](),
	KindLetter:    reflect.TypeFor[Letter](),
	KindPetition:  reflect.TypeFor[Petition](),
	KindContact:   reflect.TypeFor[Contact](),
	KindShare:     reflect.TypeFor[Share](),
	KindListen:    reflect.TypeFor[Listen](),
	KindEngage:    reflect.TypeFor[Engage](),
	KindDonate:    reflect.TypeFor[Donate](),
	KindResources: reflect.TypeFor[Resources](),
}

// kindLabel is how messages name a call to action of each kind: "letter",
// "share action".
func kindLabel(k Kind) string {
	switch k {
	case KindStatement, KindLetter, KindPetition:
		return string(k)
	}
	return string(k) + " action"
}

// kindNoun is kindLabel with its article: "a letter", "an engage action".
func kindNoun(k Kind) string {
	if k == KindEngage {
		return "an " + kindLabel(k)
	}
	return "a " + kindLabel(k)
}

func kindNames() []string {
	names := make([]string, len(Kinds))
	for i, k := range Kinds {
		names[i] = string(k)
	}
	return names
}

// decodeAction decodes one call to action. In YAML it is one flat mapping:
// the common settings (kind, id, icon, title, text) and the settings of its
// kind, which go into the matching pointer (Statement, Letter, …). Where a
// kind has a setting with a common name (a petition's text), the kind's own
// setting takes it.
func (d *decoder) decodeAction(n *yaml.Node, a *Action) {
	common := fieldsOf(actionType)
	av := reflect.ValueOf(a).Elem()
	if isNull(n) {
		d.bad[posKey{av.Addr().Pointer(), actionType}] = true
		d.errorf(n, "this call to action is empty — write its settings, starting with kind:, or remove the '-'")
		return
	}
	if n.Kind != yaml.MappingNode {
		d.bad[posKey{av.Addr().Pointer(), actionType}] = true
		got := "a list"
		if n.Kind == yaml.ScalarNode {
			got = quoteValue(n.Value)
		}
		d.errorf(n, "each call to action must be a group of settings starting with kind: (such as kind: petition) — got %s", got)
		return
	}
	// Find the kind first: it decides which settings the rest may be.
	var kindNode *yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; k.Kind == yaml.ScalarNode && k.Value == "kind" {
			kindNode = n.Content[i+1]
			break
		}
	}
	var kt reflect.Type
	var kv reflect.Value
	switch {
	case kindNode == nil || isNull(kindNode):
		// reported after the other settings, unless one of them was a
		// misspelt kind
		defer func() {
			if d.misspelt[misspelling{av.Addr().Pointer(), "kind"}] {
				return
			}
			at := n
			if kindNode != nil {
				at = kindNode
			}
			d.errorf(at, "this call to action has no 'kind' — add kind: with one of %s", orList(kindNames()))
		}()
	case kindNode.Kind != yaml.ScalarNode:
		// reported when the kind setting is decoded below
	default:
		k := Kind(kindNode.Value)
		if t, ok := kindTypes[k]; ok {
			kt = t
			kv = reflect.New(kt)
			av.FieldByName(kt.Name()).Set(kv)
			d.pos[posKey{kv.Pointer(), kt}] = where{d.file, n.Line, n.Column}
		} else {
			d.errorf(kindNode, "%s", enumMessage("kind", kindNode.Value, kindNames()))
		}
	}
	var own []field
	if kt != nil {
		own = fieldsOf(kt)
	}
	d.pairs(n, func(name string, k, val *yaml.Node) {
		if i, ok := findField(own, name); ok {
			if ct, isContact := kv.Interface().(*Contact); isContact && name == "targets" && val.Kind == yaml.ScalarNode && !isNull(val) {
				// targets: senate names a file in the targets/ folder (targets.go).
				ct.TargetsFile = val.Value
				d.pos[posKey{reflect.ValueOf(&ct.TargetsFile).Pointer(), stringType}] = where{d.file, val.Line, val.Column}
				return
			}
			d.field.text, d.field.required = textSetting(kt, name)
			d.decode(val, kv.Elem().Field(i), name)
			return
		}
		if i, ok := findField(common, name); ok {
			if name == "kind" {
				if s, ok := d.scalar(val, name, "one of "+orList(kindNames())); ok {
					a.Kind = Kind(s)
					d.pos[posKey{reflect.ValueOf(&a.Kind).Pointer(), reflect.TypeFor[Kind]()}] = where{d.file, val.Line, val.Column}
				}
				return
			}
			d.field.text, d.field.required = textSetting(actionType, name)
			d.decode(val, av.Field(i), name)
			return
		}
		owners := kindsWithSetting(name)
		if kt == nil {
			if len(owners) == 0 {
				all := keysOf(common)
				for _, k := range Kinds {
					all = append(all, keysOf(fieldsOf(kindTypes[k]))...)
				}
				if s := didYouMean(name, dedupe(all)); s != "" {
					d.misspelt[misspelling{av.Addr().Pointer(), s}] = true
					d.errorf(k, "a call to action has no setting %s — did you mean %s?", quoteValue(name), quoteValue(s))
				} else {
					d.errorf(k, "a call to action has no setting %s — check its spelling", quoteValue(name))
				}
			}
			return // without a known kind, a setting of some kind cannot be judged
		}
		if len(owners) > 0 {
			nouns := make([]string, len(owners))
			for i, o := range owners {
				nouns[i] = kindNoun(o)
			}
			d.errorf(k, "%s is a setting of %s, not of %s", quoteKey(name), strings.Join(nouns, " or "), kindNoun(a.Kind))
			return
		}
		d.unknown(k, kindLabel(a.Kind), name, append(keysOf(common), keysOf(own)...), av.Addr().Pointer())
	})
}

// kindsWithSetting lists the kinds that have a setting called key.
func kindsWithSetting(key string) []Kind {
	var ks []Kind
	for _, k := range Kinds {
		if _, ok := findField(fieldsOf(kindTypes[k]), key); ok {
			ks = append(ks, k)
		}
	}
	return ks
}

func dedupe(s []string) []string {
	seen := map[string]bool{}
	out := s[:0]
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// nounFor names a struct type in messages about its settings.
func nounFor(t reflect.Type, key string) string {
	switch t {
	case reflect.TypeFor[Org]():
		return "organisation"
	case reflect.TypeFor[Campaign]():
		return "campaign"
	case imageType:
		return "picture"
	case reflect.TypeFor[Colours]():
		return "colours"
	case reflect.TypeFor[Person]():
		return "media contact"
	case reflect.TypeFor[Social]():
		return "social"
	case reflect.TypeFor[Member]():
		return "organisation in the list"
	case reflect.TypeFor[Related]():
		return "related link"
	case reflect.TypeFor[Signatory]():
		return "signatory"
	case reflect.TypeFor[Target]():
		return "target"
	case reflect.TypeFor[ShareMessages]():
		return "messages"
	case reflect.TypeFor[MediaItem]():
		return "item"
	case reflect.TypeFor[Destination]():
		return "destination"
	case reflect.TypeFor[Resource]():
		return "document"
	}
	return strings.Trim(key, "'")
}
