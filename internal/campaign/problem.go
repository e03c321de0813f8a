package campaign

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Problem is one thing wrong (or, for a warning, weak) in an organiser's file,
// at the position where the fix goes.
type Problem struct {
	// File is the path as the organiser typed it: the directory given to Load
	// joined with the file's path inside it, such as campaigns/riverside/org.yaml.
	File string
	// Line and Col are 1-based; Col counts characters, not bytes. Both are 0 for
	// a problem that concerns a whole file (for example, a file that cannot be read).
	Line, Col int
	// Message says in plain language what is wrong and how to fix it.
	Message string
	// Warning marks content that works but could be better; it does not stop a load.
	Warning bool
}

// String formats the problem as file:line:col: message, the form editors and
// CI annotate, prefixed with "warning: " for warnings.
func (p Problem) String() string {
	msg := p.Message
	if p.Warning {
		msg = "warning: " + msg
	}
	if p.Line == 0 {
		return fmt.Sprintf("%s: %s", p.File, msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", p.File, p.Line, p.Col, msg)
}

// Problems is every problem found in one load, sorted by file and position.
// As an error it means the files could not be loaded: at least one problem is
// not a warning.
type Problems []Problem

// Error joins the problems one per line.
func (ps Problems) Error() string {
	var b strings.Builder
	for i, p := range ps {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p.String())
	}
	return b.String()
}

// Errors returns the problems that are not warnings.
func (ps Problems) Errors() Problems {
	return slices.DeleteFunc(slices.Clone(ps), func(p Problem) bool { return p.Warning })
}

// Warnings returns the problems that are warnings.
func (ps Problems) Warnings() Problems {
	return slices.DeleteFunc(slices.Clone(ps), func(p Problem) bool { return !p.Warning })
}

// HasErrors reports whether any problem is not a warning.
func (ps Problems) HasErrors() bool {
	return slices.ContainsFunc(ps, func(p Problem) bool { return !p.Warning })
}

// Sort orders the problems by file, line and column, keeping the order in
// which equal positions were found.
func (ps Problems) Sort() {
	slices.SortStableFunc(ps, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col))
	})
}
