package campaign

import (
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/placard/placard/internal/spell"
	"github.com/placard/placard/internal/targets"
)

// The targets/ folder of an organisation holds its decision-makers as data
// (targets/<name>.csv or .yaml, read by internal/targets) and the lookup
// tables its contact actions name (lookup: postcodes.csv). A contact action
// takes its targets from a file (targets: senate), optionally filtered.

// targetsDir is the folder, inside an organisation's, of targets and lookup tables.
const targetsDir = "targets"

// targetData is what one organisation's targets/ folder holds.
type targetData struct {
	files   map[string]string // stem → file name, for messages
	lookups map[string]*targets.Lookup
	failed  map[string]bool // files that had errors: actions naming them say nothing more
}

// loadTargets reads every targets file and every lookup table of of's
// targets/ folder. A file is a lookup table when a contact action of the
// organisation names it with lookup:.
func (c *checker) loadTargets() *targetData {
	of := c.of
	td := &targetData{files: map[string]string{}, lookups: map[string]*targets.Lookup{}, failed: map[string]bool{}}
	dir := path.Join(of.dir, targetsDir)
	entries, err := c.l.readDir(dir)
	if lp := c.l.followLinks(dir); err != nil && lp != nil {
		// Its files are not listed: their names are the other folder's.
		subject := "this folder is a link"
		if lp.link != dir {
			subject = "this folder is in " + c.l.shownLink(lp) + ", which is a link"
		}
		c.l.probs = append(c.l.probs, Problem{File: c.l.display(path.Join(of.org.Slug, targetsDir)), Message: linkMessage(lp, subject, "move the folder itself here")})
		return td
	}
	if err != nil {
		return td // no targets folder: actions naming a file say so
	}
	lookups := map[string]bool{}
	for _, camp := range of.org.Campaigns {
		for _, a := range camp.Actions {
			if a.Contact != nil && a.Contact.Lookup != "" {
				lookups[strings.TrimSpace(a.Contact.Lookup)] = true
			}
		}
	}
	of.org.TargetFiles = map[string][]Target{}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || ignored(name) {
			continue
		}
		file := c.l.display(path.Join(of.org.Slug, targetsDir, name))
		ext := strings.ToLower(path.Ext(name))
		if ext != ".csv" && ext != ".yaml" && ext != ".yml" {
			c.l.probs = append(c.l.probs, Problem{File: file, Warning: true, Message: "the targets folder holds only .csv and .yaml files of decision-makers and lookup tables — this file is not read"})
			continue
		}
		src, ok := c.readData(path.Join(dir, name), file)
		if !ok {
			td.failed[name] = true
			continue
		}
		if lookups[name] {
			if ext != ".csv" {
				c.l.probs = append(c.l.probs, Problem{File: file, Message: "a lookup table must be a .csv file with the columns code and district"})
				td.failed[name] = true
				continue
			}
			tbl, probs := targets.ParseLookup(src)
			c.report(file, probs)
			if tbl == nil || hasErrors(probs) {
				td.failed[name] = true
				continue
			}
			td.lookups[name] = tbl
			continue
		}
		stem := strings.TrimSuffix(name, path.Ext(name))
		if other, dup := td.files[stem]; dup {
			c.l.probs = append(c.l.probs, Problem{File: file, Message: fmt.Sprintf("%s already holds the targets called %s — rename one of the two files", other, stem)})
			continue
		}
		td.files[stem] = name
		var ts []targets.Target
		var probs []targets.Problem
		if ext == ".csv" {
			ts, probs = targets.ParseCSV(src)
		} else {
			ts, probs = targets.ParseYAML(src)
		}
		c.report(file, probs)
		if hasErrors(probs) {
			td.failed[stem] = true
		}
		list := make([]Target, 0, len(ts))
		for _, t := range ts {
			ct := Target{ID: t.ID, Name: t.Name, Role: t.Title, Region: t.District, Email: t.Email, Hours: t.Hours,
				Party: t.Party, Phones: t.Phones, Address: t.Address, Languages: t.Languages}
			if len(t.Phones) > 0 {
				ct.Phone = t.Phones[0]
			}
			if t.Photo != "" {
				ct.Photo = c.asset(t.Photo, where{file, t.Line, max(t.PhotoCol, 1)}, "photo", true)
			}
			list = append(list, ct)
		}
		of.org.TargetFiles[stem] = list
	}
	return td
}

// readData reads a data file of the organisation's folder with the checks
// the YAML files get: no links out, an ordinary file, a bounded size.
func (c *checker) readData(fsPath, file string) ([]byte, bool) {
	resolved, lp := c.l.resolveLinks(fsPath)
	if lp != nil {
		c.l.probs = append(c.l.probs, Problem{File: file, Message: linkMessage(lp, "this file is a link", "copy the file itself here")})
		return nil, false
	}
	f, info, err := c.l.openChecked(file, resolved)
	switch {
	case err != nil:
		msg := "this file cannot be read: " + readCause(err)
		if lp := c.l.followLinks(fsPath); lp != nil { // it changed since the check
			msg = linkMessage(lp, "this file is a link", "copy the file itself here")
		}
		c.l.probs = append(c.l.probs, Problem{File: file, Message: msg})
		return nil, false
	case f == nil:
		c.l.probs = append(c.l.probs, Problem{File: file, Message: "this is not an ordinary file (it is a folder, a device or a pipe) — replace it with a file"})
		return nil, false
	case info.Size() > maxDataSize:
		f.Close()
		c.l.probs = append(c.l.probs, Problem{File: file, Message: fmt.Sprintf("this file is %d MB, more than the %d MB a targets file or lookup table may be — split it", info.Size()>>20, maxDataSize>>20)})
		return nil, false
	}
	src, err := readLimited(f, info, maxDataSize)
	if errors.Is(err, errGrown) {
		c.l.probs = append(c.l.probs, Problem{File: file, Message: fmt.Sprintf("this file is more than the %d MB a targets file or lookup table may be — split it", maxDataSize>>20)})
		return nil, false
	}
	if err != nil {
		c.l.probs = append(c.l.probs, Problem{File: file, Message: readFileMessage(err)})
		return nil, false
	}
	return src, true
}

// maxDataSize bounds a targets file or lookup table.
const maxDataSize = 4 << 20

func (c *checker) report(file string, probs []targets.Problem) {
	for _, p := range probs {
		c.l.probs = append(c.l.probs, Problem{File: file, Line: p.Line, Col: p.Col, Message: p.Message, Warning: p.Warning})
	}
}

func hasErrors(probs []targets.Problem) bool {
	return slices.ContainsFunc(probs, func(p targets.Problem) bool { return !p.Warning })
}

// contactTargets resolves a contact action's targets: from the file
// targets: names, filtered by filter:, and its lookup table. It reports
// whether the targets came from files (or were to, but the files failed).
func (c *checker) contactTargets(_ *Action, ct *Contact) (fromFiles bool) {
	td := c.targets
	folder := c.l.display(path.Join(c.of.org.Slug, targetsDir))
	if name := strings.TrimSpace(ct.TargetsFile); name != "" {
		fromFiles = true
		stem := strings.TrimSuffix(name, path.Ext(name))
		list, ok := c.of.org.TargetFiles[stem]
		switch {
		case td.failed[stem]:
			// its own problems are reported
		case !ok:
			known := make([]string, 0, len(td.files))
			for s := range td.files {
				known = append(known, s)
			}
			slices.Sort(known)
			msg := fmt.Sprintf("'targets' names %s, but %s has no file %s.csv or %s.yaml", quoteValue(name), folder, stem, stem)
			if s := spell.Closest(stem, known); s != "" {
				msg += fmt.Sprintf(" — did you mean %s?", s)
			} else if len(known) > 0 {
				msg += " — its files are " + strings.Join(known, ", ")
			} else {
				msg += " — make the folder and put the decision-makers there, one row each, or list them here under targets:"
			}
			c.errorf(c.at(&ct.TargetsFile), "%s", msg)
		default:
			ct.Targets = slices.Clone(list)
		}
	} else if ct.Filter != nil && len(ct.Targets) == 0 && !c.seen(&ct.Targets) {
		fromFiles = true
		if len(c.of.org.TargetFiles) == 0 && len(td.failed) == 0 {
			c.errorf(c.at(ct.Filter), "'filter' picks from the files in %s, but there are none — put the decision-makers there (one .csv or .yaml file per group), or list them under targets:", folder)
		}
		stems := make([]string, 0, len(c.of.org.TargetFiles))
		for s := range c.of.org.TargetFiles {
			stems = append(stems, s)
		}
		slices.Sort(stems)
		for _, s := range stems {
			ct.Targets = append(ct.Targets, c.of.org.TargetFiles[s]...)
		}
	}
	if f := ct.Filter; f != nil && !c.broken(f) {
		tf := targets.Filter{Title: f.Role, Party: f.Party, District: f.District}
		before := len(ct.Targets)
		ct.Targets = slices.DeleteFunc(ct.Targets, func(t Target) bool {
			return !tf.Match(targets.Target{Title: t.Role, Party: t.Party, District: t.Region})
		})
		if before > 0 && len(ct.Targets) == 0 {
			c.errorf(c.at(f), "no target matches this filter, so the action would list nobody — check the spelling of role:, party: and district: against the targets")
		}
	}
	for i := range ct.Targets {
		t := &ct.Targets[i]
		if t.ID == "" {
			t.ID = targets.Slug(t.Name)
		}
		if len(t.Phones) == 0 && strings.TrimSpace(t.Phone) != "" {
			t.Phones = []string{t.Phone}
		}
	}
	if name := strings.TrimSpace(ct.Lookup); name != "" {
		tbl, ok := td.lookups[name]
		switch {
		case td.failed[name]:
		case !ok:
			c.errorf(c.at(&ct.Lookup), "'lookup' names %s, but %s has no such file — put the table there as a .csv file with the columns code and district", quoteValue(name), folder)
		default:
			ct.LookupTable = tbl
			var regions []string
			for _, t := range ct.Targets {
				regions = append(regions, strings.ToLower(t.Region))
			}
			matched := false
			for _, d := range tbl.Districts() {
				if slices.Contains(regions, strings.ToLower(d)) {
					matched = true
					break
				}
			}
			if !matched && len(ct.Targets) > 0 {
				c.errorf(c.at(&ct.Lookup), "no district of %s is the region of any target, so no postcode would find anyone — check the spelling of the districts against the targets' region (or district) column", name)
			}
		}
	}
	return fromFiles
}

// DefaultPerHour is how many messages one target receives in an hour with
// send: server, unless the action says per_hour:.
const DefaultPerHour = 20

// contactSend checks send: and per_hour:.
func (c *checker) contactSend(ct *Contact) {
	c.enum(ct.Send, &ct.Send, "send", []string{"client", "server"})
	if ct.PerHour != 0 && (ct.PerHour < 1 || ct.PerHour > 1000) {
		c.errorf(c.at(&ct.PerHour), "'per_hour' must be between 1 and 1000 — it is how many messages one decision-maker receives in an hour")
	}
	if ct.Send != "server" {
		if ct.PerHour != 0 {
			c.warnf(c.at(&ct.PerHour), "'per_hour' only counts with send: server — add send: server, or remove per_hour")
		}
		return
	}
	if ct.PerHour == 0 {
		ct.PerHour = DefaultPerHour
	}
	if strings.TrimSpace(ct.Message) == "" {
		c.errorf(c.at(&ct.Send), "send: server needs a 'message': the text supporters start from and may change")
	}
	if !slices.ContainsFunc(ct.Targets, func(t Target) bool { return strings.TrimSpace(t.Email) != "" }) && len(ct.Targets) > 0 {
		c.errorf(c.at(&ct.Send), "send: server needs targets with an 'email' — none of this action's targets has one")
	}
}
