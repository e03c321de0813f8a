package campaign

import (
	"io/fs"
	"path"
	"slices"
	"strings"
)

// Symbolic links. Everything Placard publishes comes from the campaigns
// folder, and nothing else may: a link named assets/notes.txt that points at
// the signature database would otherwise put every signer's name and email
// on the site. So the loader follows a link only while it stays inside the
// campaigns folder and reaches no hidden file (a name starting with a dot,
// such as .git/config), and reports any other link at the setting that names
// it. A link inside an organisation's folder must moreover stay inside that
// same folder, or lead into the site's own assets folder (the one place
// meant for files shared between organisations, such as a coalition logo):
// a link to another organisation's folder would publish, under this
// organisation's address, a file the other keeps back (a draft campaign, an
// embargoed report), and the people who write one folder need not be those
// who write the other. The check says where a file leads; the file is
// then read through the os.Root of that folder (roots.go), which refuses
// to leave it whatever the files become between this check and the read.

// maxLinkHops bounds the links one path may pass through, as Linux does.
const maxLinkHops = 40

// linkProblem is a symbolic link that the loader will not follow.
type linkProblem struct {
	link   string // the link, as a path inside fsys
	target string // what it points to, as written in the link
	why    linkWhy
	scope  string // for linkOtherOrg: the folder the link had to stay in
	into   string // for linkOtherOrg: the top-level folder it leads to ("" for the campaigns folder itself)
}

type linkWhy int

const (
	linkOutside  linkWhy = iota // it leads out of the campaigns folder
	linkHidden                  // it leads to a hidden file or folder
	linkLoop                    // it leads round in a circle
	linkOtherOrg                // it leads out of its organisation's folder
)

// linkStep is one name still to walk, with the link it came from (nil for
// a name of the path itself).
type linkStep struct {
	name string
	via  *linkProblem
}

// followLinks walks p (a path inside l.fsys, at or below the campaigns
// folder) one name at a time, resolving every symbolic link on the way
// without the operating system's help, and returns the first link that
// leads out of the campaigns folder, to a hidden name or round in a circle;
// nil when there is none (or fsys cannot read links, or a name is missing,
// which the caller reports in its own words). A path inside an
// organisation's folder (below a top-level folder other than the site's
// assets) must resolve inside that folder or the site's assets folder: a
// link leading anywhere else is linkOtherOrg, checked at every name looked
// up once a link has been followed, so not even a name in another folder is
// read through it.
func (l *loader) followLinks(p string) *linkProblem {
	_, lp := l.resolveLinks(p)
	return lp
}

// resolveLinks is followLinks that also returns, when it finds no problem,
// where p leads: a path inside l.fsys through no link (as the links read
// now), to be read through the os.Root of its top-level folder (l.in). A
// name it could not look up is left as written, and cleaned.
func (l *loader) resolveLinks(p string) (string, *linkProblem) {
	rl, ok := l.fsys.(fs.ReadLinkFS)
	if !ok {
		return p, nil
	}
	rel := p
	if l.root != "." {
		if p == l.root {
			return p, nil
		}
		rel = strings.TrimPrefix(p, l.root+"/")
	}
	var todo []linkStep
	for _, name := range strings.Split(rel, "/") {
		todo = append(todo, linkStep{name, nil})
	}
	scope := ""
	if len(todo) > 1 && !(todo[0].name == siteAssetsDir && l.siteAssets(siteAssetsDir)) {
		scope = todo[0].name
	}
	var cur []string      // the names walked so far below l.root, none a link
	var last *linkProblem // the last link followed
	// asWritten is the path left to walk after cur, unresolved.
	asWritten := func(s linkStep) string {
		names := append(slices.Clone(cur), s.name)
		for _, t := range todo {
			names = append(names, t.name)
		}
		return path.Join(l.root, path.Join(names...))
	}
	hops := 0
	for len(todo) > 0 {
		s := todo[0]
		todo = todo[1:]
		switch {
		case s.name == "" || s.name == ".":
			continue
		case s.name == "..":
			if len(cur) == 0 {
				if s.via == nil {
					return p, nil // the caller refuses '..' itself
				}
				s.via.why = linkOutside
				return "", s.via
			}
			cur = cur[:len(cur)-1]
			continue
		case s.via != nil && strings.HasPrefix(s.name, "."):
			s.via.why = linkHidden
			return "", s.via
		}
		if last != nil && scope != "" {
			top := s.name
			if len(cur) > 0 {
				top = cur[0]
			}
			if top != scope && !(top == siteAssetsDir && l.siteAssets(siteAssetsDir)) {
				lp := last
				if s.via != nil {
					lp = s.via
				}
				lp.why, lp.scope, lp.into = linkOtherOrg, scope, top
				return "", lp
			}
		}
		next := path.Join(l.root, path.Join(cur...), s.name)
		info, err := rl.Lstat(next)
		if err != nil {
			return asWritten(s), nil
		}
		if info.Mode()&fs.ModeSymlink == 0 {
			cur = append(cur[:len(cur):len(cur)], s.name)
			continue
		}
		target, err := rl.ReadLink(next)
		if err != nil {
			return asWritten(s), nil
		}
		lp := &linkProblem{link: next, target: target}
		last = lp
		if hops++; hops > maxLinkHops {
			lp.why = linkLoop
			return "", lp
		}
		if strings.HasPrefix(target, "/") || strings.Contains(target, `\`) || len(target) > 1 && target[1] == ':' {
			lp.why = linkOutside // an absolute link, even one naming the folder itself: os.Root never follows those
			return "", lp
		}
		var steps []linkStep
		for _, name := range strings.Split(target, "/") {
			steps = append(steps, linkStep{name, lp})
		}
		todo = append(steps, todo...)
	}
	if last != nil && scope != "" && len(cur) == 0 {
		last.why, last.scope = linkOtherOrg, scope // it leads to the campaigns folder itself
		return "", last
	}
	return path.Join(l.root, path.Join(cur...)), nil
}

// shownLink is the link of lp as the organiser knows it, inside the
// campaigns folder.
func (l *loader) shownLink(lp *linkProblem) string {
	rel := lp.link
	if l.root != "." {
		rel = strings.TrimPrefix(rel, l.root+"/")
	}
	return l.display(rel)
}

// linkMessage explains lp. subject leads up to the link, such as "this
// file is a link" or "'file' names docs/a.pdf, but org/docs is a link"; fix
// says what to do instead, such as "copy the file itself into org/assets".
func linkMessage(lp *linkProblem, subject, fix string) string {
	switch lp.why {
	case linkHidden:
		return subject + " to the hidden file " + lp.target + " — Placard publishes no hidden file (one whose name starts with a dot): " + fix + " instead of linking to it"
	case linkLoop:
		return subject + " that leads round in a circle (" + lp.target + ") — replace the link with the file itself"
	case linkOtherOrg:
		where := "to the campaigns folder itself"
		if lp.into != "" {
			where = "into the folder " + lp.into
		}
		return subject + " to " + lp.target + ", which leads out of the folder " + lp.scope + " " + where +
			" — a link in an organisation's folder may only lead to a file in that same folder, or in the site's " + siteAssetsDir +
			" folder beside site.yaml (for files shared between organisations): " + fix + " instead of linking to it"
	}
	return subject + " to " + lp.target + ", outside the campaigns folder — Placard reads nothing outside it: " + fix + " instead of linking to it"
}
