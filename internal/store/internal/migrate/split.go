package migrate

import (
	"fmt"
	"strings"
)

// split cuts sql into the statements PostgreSQL would see, each from its
// first word to its terminating semicolon, as written (comments inside a
// statement kept). A semicolon ends a statement only outside string
// literals ('…', E'…' with backslash escapes, U&'…'), quoted names
// ("…"), dollar quotes ($$…$$, $tag$…$tag$), -- and nested /* */
// comments, parentheses, and the BEGIN … END body of a CREATE FUNCTION or
// PROCEDURE (psql's rule, psqlscan.l). Plain strings follow
// standard_conforming_strings = on, PostgreSQL's default since 9.1: a
// backslash there is an ordinary character. Comments and empty
// statements between statements are dropped. The last statement may
// end at the end of the text without a semicolon, as PostgreSQL and psql
// accept it (what follows its last token — spaces, comments — is not
// part of it; a tail of only those is no statement). Text split cannot
// close — an unterminated quote or comment, or a parenthesis or BEGIN …
// END body still open at the end — is an error, never a statement sent
// in part or silently left out.
func split(sql string) ([]string, error) {
	var out []string
	start := -1 // where the current statement's first word is; -1 before it
	last := 0   // just past the current statement's last token so far
	parens, begins := 0, 0
	var words []string // the statement's first words, lower case, for isRoutine
	n := len(sql)
	for i := 0; i < n; {
		c := sql[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			i++
			continue
		case c == '-' && i+1 < n && sql[i+1] == '-':
			for i < n && sql[i] != '\n' && sql[i] != '\r' {
				i++
			}
			continue
		case c == '/' && i+1 < n && sql[i+1] == '*':
			end, err := blockComment(sql, i)
			if err != nil {
				return nil, err
			}
			i = end
			continue
		}
		// A token: the statement starts here if it had not.
		if c == ';' {
			if start >= 0 && parens == 0 && begins == 0 {
				out = append(out, sql[start:i+1])
				start, words = -1, nil
			}
			i++
			continue
		}
		if start < 0 {
			start, parens, begins = i, 0, 0
		}
		switch {
		case c == '\'':
			end, err := quoted(sql, i, '\'', false)
			if err != nil {
				return nil, err
			}
			i = end
		case c == '"':
			end, err := quoted(sql, i, '"', false)
			if err != nil {
				return nil, err
			}
			i = end
		case c == '$':
			if tag, ok := dollarTag(sql, i); ok {
				end := strings.Index(sql[i+len(tag):], tag)
				if end < 0 {
					return nil, fmt.Errorf("the dollar quote %s is never closed", tag)
				}
				i += len(tag) + end + len(tag)
			} else {
				i++ // $1, a parameter; or a stray $
				for i < n && isDigit(sql[i]) {
					i++
				}
			}
		case c == '(':
			parens++
			i++
		case c == ')':
			if parens > 0 {
				parens--
			}
			i++
		case isIdentStart(c):
			j := i + 1
			for j < n && isIdentPart(sql[j]) {
				j++
			}
			word := strings.ToLower(sql[i:j])
			if word == "e" && j < n && sql[j] == '\'' {
				end, err := quoted(sql, j, '\'', true)
				if err != nil {
					return nil, err
				}
				i, last = end, end
				continue
			}
			if len(words) < 4 {
				words = append(words, word)
			}
			if parens == 0 && isRoutine(words) {
				switch word {
				case "begin":
					begins++
				case "case": // CASE ends with END too, inside a body
					if begins > 0 {
						begins++
					}
				case "end":
					if begins > 0 {
						begins--
					}
				}
			}
			i = j
		case isDigit(c):
			for i < n && (isIdentPart(sql[i]) || sql[i] == '.') && sql[i] != '$' {
				i++
			}
		default:
			i++ // an operator or punctuation
		}
		last = i
	}
	if start >= 0 {
		if parens > 0 || begins > 0 {
			what := "a parenthesis"
			if parens == 0 {
				what = "a BEGIN … END body"
			}
			return out, fmt.Errorf("the statement starting %q is cut off: %s is still open where the file ends (is a closing part or a semicolon missing?)", firstLine(sql[start:]), what)
		}
		// The last statement without its semicolon: PostgreSQL takes it.
		out = append(out, sql[start:last])
	}
	return out, nil
}

// isRoutine reports whether a statement's first words are CREATE [OR
// REPLACE] FUNCTION or PROCEDURE: only there does BEGIN open a body whose
// semicolons do not end the statement.
func isRoutine(w []string) bool {
	routine := func(s string) bool { return s == "function" || s == "procedure" }
	switch {
	case len(w) >= 2 && w[0] == "create" && routine(w[1]):
		return true
	case len(w) >= 4 && w[0] == "create" && w[1] == "or" && w[2] == "replace" && routine(w[3]):
		return true
	}
	return false
}

// quoted returns the index just past the literal or quoted name opening
// at sql[i] with q. The quote doubled stands for itself; with backslash
// (an E'…' string) a backslash escapes the next byte.
func quoted(sql string, i int, q byte, backslash bool) (int, error) {
	for j := i + 1; j < len(sql); j++ {
		switch sql[j] {
		case '\\':
			if backslash {
				j++
			}
		case q:
			if j+1 < len(sql) && sql[j+1] == q {
				j++
				continue
			}
			return j + 1, nil
		}
	}
	what := "string"
	if q == '"' {
		what = "quoted name"
	}
	return 0, fmt.Errorf("the %s starting %q is never closed", what, firstLine(sql[i:]))
}

// blockComment returns the index just past the /* */ comment opening at
// sql[i], nested ones included, as PostgreSQL reads them.
func blockComment(sql string, i int) (int, error) {
	depth := 0
	for j := i; j+1 < len(sql); {
		switch {
		case sql[j] == '/' && sql[j+1] == '*':
			depth++
			j += 2
		case sql[j] == '*' && sql[j+1] == '/':
			depth--
			j += 2
			if depth == 0 {
				return j, nil
			}
		default:
			j++
		}
	}
	return 0, fmt.Errorf("the comment starting %q is never closed", firstLine(sql[i:]))
}

// dollarTag returns the dollar quote's delimiter ($$ or $tag$) opening
// at sql[i], if one does: a tag is a name without dollar signs. $1 is a
// parameter, not a quote. Called only where a token starts, so the $ of
// an identifier such as a$b$ never gets here.
func dollarTag(sql string, i int) (string, bool) {
	j := i + 1
	if j < len(sql) && isIdentStart(sql[j]) {
		for j < len(sql) && isIdentPart(sql[j]) && sql[j] != '$' {
			j++
		}
	}
	if j < len(sql) && sql[j] == '$' {
		return sql[i : j+1], true
	}
	return "", false
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// isIdentStart and isIdentPart follow PostgreSQL's scanner: letters,
// underscore and every non-ASCII byte start a name; digits and $ may
// follow.
func isIdentStart(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' || c >= 0x80
}

func isIdentPart(c byte) bool { return isIdentStart(c) || isDigit(c) || c == '$' }

// firstLine is the start of s for an error message: up to its first line
// break, at most 60 bytes.
func firstLine(s string) string {
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	if len(s) > 60 {
		s = s[:60] + "…"
	}
	return s
}
