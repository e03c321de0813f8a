package editing

import (
	"fmt"
	"os"
	"strings"

	"github.com/placard/placard/internal/campaign"
)

// Problem is one problem the checker found, as `placard check` words it.
type Problem struct {
	// File is the path inside the campaigns folder, such as riverside/org.yaml.
	File string
	// Line and Col are 1-based (Col in characters); both 0 for a whole file.
	Line, Col int
	// Message is the checker's own words, with the fix.
	Message string
	// Warning marks a problem that does not stop a save.
	Warning bool
	// Here is true when the problem is in the file being checked.
	Here bool
}

// String is the problem as `placard check` prints it: file:line:col: message.
func (p Problem) String() string {
	return campaign.Problem{File: p.File, Line: p.Line, Col: p.Col, Message: p.Message, Warning: p.Warning}.String()
}

// Report is what a check found.
type Report struct {
	// Problems are those in the organisation's own files (its folder),
	// sorted by file and position.
	Problems []Problem
	// Elsewhere counts the errors in other organisations' files. They stop
	// a save (the site reloads only when every file is good) but are not
	// shown: one organisation never sees another's files.
	Elsewhere int
}

// OK reports whether the candidate may be saved: no errors anywhere.
func (r Report) OK() bool {
	if r.Elsewhere > 0 {
		return false
	}
	for _, p := range r.Problems {
		if !p.Warning {
			return false
		}
	}
	return true
}

// Errors counts the errors among Problems.
func (r Report) Errors() int {
	n := 0
	for _, p := range r.Problems {
		if !p.Warning {
			n++
		}
	}
	return n
}

// Check loads the whole campaigns folder with text in place of the
// organisation's file name, with the same loader and checks as `placard
// check` and the server, and reports what it found. Nothing is written.
func (w *Workspace) Check(org, name, text string) (Report, error) {
	if !ValidOrg(org) || !ValidName(name) {
		return Report{}, ErrNotFound
	}
	if len(text) > MaxFileSize {
		return Report{}, ErrTooLarge
	}
	r, err := w.orgRoot(org) // the organisation must be there and not a link
	if err != nil {
		return Report{}, err
	}
	r.Close()
	_, report, err := w.load(org, name, []byte(text))
	return report, err
}

// load runs the loader over the folder with the candidate in place.
func (w *Workspace) load(org, name string, data []byte) (*campaign.Site, Report, error) {
	root, err := os.OpenRoot(w.Dir)
	if err != nil {
		return nil, Report{}, fmt.Errorf("editing: opening the campaigns folder: %w", err)
	}
	defer root.Close()
	// Each organisation's files are read through its own folder's
	// os.Root, as the site reads them (campaign.RootFS).
	fsys := overlay{base: campaign.RootFS(root), name: org + "/" + name, data: data, at: w.now()}
	// The organisation's editors read these problems: nothing in them may
	// give away another organisation's campaigns not yet public.
	opts := w.Load
	opts.Reader = &campaign.Reader{Org: org, Now: w.now()}
	site, problems := campaign.LoadFSWith(fsys, ".", opts)
	var rep Report
	for _, p := range problems {
		if p.File == org || strings.HasPrefix(p.File, org+"/") {
			rep.Problems = append(rep.Problems, Problem{File: p.File, Line: p.Line, Col: p.Col,
				Message: p.Message, Warning: p.Warning, Here: p.File == org+"/"+name})
		} else if !p.Warning {
			rep.Elsewhere++
		}
	}
	return site, rep, nil
}
