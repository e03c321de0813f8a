package main

import (
	"crypto/rand"
	"crypto/sha256"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/placard/placard/internal/campaign"
)

// folderSums is a digest of the bytes under each entry of the campaigns
// folder (each organisation's folder, site.yaml, the site's own files), by
// name: what a reload compares to know which organisations are unchanged.
type folderSums map[string][sha256.Size]byte

// sumFolders reads every file under dir and sums each of its entries: the
// path, time of last change and bytes of every file below it, in order.
// An entry holding a link or a file that cannot be read gets a digest of
// its own that matches nothing, so it is always loaded afresh. Called
// before loading, so the files loaded are never older than the sums, and
// again after (settled). The time counts so that a file written while a
// load read it and written back before the second sum (an edit undone)
// does not read as unchanged: the load may have read the edit.
func sumFolders(dir string) folderSums {
	sums := folderSums{}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return sums
	}
	defer root.Close()
	entries, err := fs.ReadDir(root.FS(), ".")
	if err != nil {
		return sums
	}
	entries = slices.DeleteFunc(entries, func(e os.DirEntry) bool { return hidden(e.Name()) })
	// The entries are summed on every core at once (a start or reload's
	// sums read every file before the load, the other core idle).
	got := make([][sha256.Size]byte, len(entries))
	var next atomic.Int64
	work := func() {
		buf := make([]byte, 32<<10) // one for every file: io.Copy would make one each
		for {
			i := int(next.Add(1)) - 1
			if i >= len(entries) {
				return
			}
			got[i] = sumEntry(root, entries[i].Name(), buf)
		}
	}
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(entries)) - 1 {
		wg.Go(work)
	}
	work()
	wg.Wait()
	for i, e := range entries {
		sums[e.Name()] = got[i]
	}
	return sums
}

// hidden reports whether a name is one the loader never reads (a hidden
// file or folder, such as the .git folder the console's saves commit to):
// its bytes are not summed, so a commit, which changes only .git, leaves
// every organisation's sum as it was, and a reload does not read a whole
// repository's history.
func hidden(name string) bool { return strings.HasPrefix(name, ".") }

// sumEntry is the digest of the file or folder name in top (see
// sumFolders), reading through buf. A folder's files are read through an
// os.Root opened on it, as the loader reads them (internal/campaign
// roots.go), and without waiting: a file swapped, after the walk saw it,
// for a link leading out of the folder or for a named pipe is not read,
// and the entry's digest matches nothing.
func sumEntry(top *os.Root, name string, buf []byte) (sum [sha256.Size]byte) {
	info, err := top.Lstat(name)
	if err != nil || info.Mode()&fs.ModeSymlink != 0 {
		return unique() // where a link leads may change unseen
	}
	r, start := top, name
	if info.IsDir() {
		sub, err := top.OpenRoot(name)
		if err != nil {
			return unique()
		}
		defer sub.Close()
		r, start = sub, "."
	}
	h := sha256.New()
	err = fs.WalkDir(r.FS(), start, func(q string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if q != start && hidden(d.Name()) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			return fs.ErrInvalid // where it leads may change unseen
		}
		if d.IsDir() {
			return nil
		}
		if !d.Type().IsRegular() {
			return fs.ErrInvalid // a pipe's or a device's bytes may never end
		}
		if sumHook != nil {
			sumHook(q)
		}
		// Read as it streams: a large file the loader never reads (a
		// video beside the assets) costs no memory of its size.
		f, err := r.OpenFile(q, os.O_RDONLY|syscall.O_NONBLOCK, 0)
		if err != nil {
			return err
		}
		defer f.Close()
		info, err := f.Stat()
		if err != nil || !info.Mode().IsRegular() {
			return fs.ErrInvalid
		}
		rel := q
		if start != "." {
			rel = "." // the entry is a file
		}
		h.Write([]byte(filepath.FromSlash(rel)))
		h.Write([]byte{0})
		var n [8]byte
		for i, l := 0, uint64(info.Size()); i < 8; i, l = i+1, l>>8 {
			n[i] = byte(l)
		}
		h.Write(n[:])
		for i, t := 0, uint64(info.ModTime().UnixNano()); i < 8; i, t = i+1, t>>8 {
			n[i] = byte(t)
		}
		h.Write(n[:])
		// The file is wrapped so its WriteTo, which would make a 32 KB
		// buffer per file (a start's largest garbage at 1,000
		// campaigns), is not used.
		if got, err := io.CopyBuffer(h, struct{ io.Reader }{f}, buf); err != nil || got != info.Size() {
			return fs.ErrInvalid // changed while read: load it afresh
		}
		return nil
	})
	if err != nil {
		return unique()
	}
	h.Sum(sum[:0])
	return sum
}

// sumHook, when set (by tests), runs just before sumEntry opens the file
// at the path inside its folder's root.
var sumHook func(name string)

// unique is a digest that matches nothing.
func unique() [sha256.Size]byte {
	var u [sha256.Size]byte
	_, _ = rand.Read(u[:])
	return u
}

// settled is what to remember of sums, taken of dir before loading it,
// once the load is done: each entry whose files read differently now (or
// are gone) gets a digest that matches nothing. The load may have read
// such an entry's newer bytes; remembered under its older sum, an edit
// back to the older bytes (an undo, a checkout, a deploy rolled back)
// would read as no change, and the pages of the newer bytes would stay
// live. The next reload loads such an entry afresh.
func settled(dir string, sums folderSums) folderSums {
	after := sumFolders(dir)
	var out folderSums
	for name, s := range sums {
		if a, ok := after[name]; !ok || a != s {
			if out == nil {
				out = maps.Clone(sums)
			}
			out[name] = unique()
		}
	}
	if out == nil {
		return sums
	}
	return out
}

// siteSum sums the entries of sums that are not organisations of site:
// site.yaml, the site's own files and anything else beside the
// organisations' folders — and the assets folder even when it is an
// organisation's, as site.yaml's logo is read from it all the same.
func siteSum(sums folderSums, site *campaign.Site) [sha256.Size]byte {
	names := make([]string, 0, len(sums))
	for name := range sums {
		if site.Org(name) == nil || name == siteAssetsDir {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	h := sha256.New()
	for _, name := range names {
		s := sums[name]
		h.Write([]byte(name))
		h.Write([]byte{0})
		h.Write(s[:])
	}
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	return sum
}

// siteAssetsDir is the folder beside site.yaml holding the site's own
// files (the campaign loader's name for it).
const siteAssetsDir = "assets"

// keepable lists by slug the organisations of prev, loaded when the files
// summed prevSums, that a load of files summing sums may take as they are
// instead of reading their folders (campaign.LoadOptions.Keep): those
// whose folder reads the same bytes, when the site's own files do too,
// and whose campaigns name as related only campaigns of organisations
// kept as well (their pages show those campaigns, and their links point
// at them). Nil when nothing can be kept: no site before, files with
// problems then, or other site settings, files or organisation folders.
func keepable(prev *campaign.Site, prevSums, sums folderSums) map[string]*campaign.Org {
	if prev == nil || prevSums == nil || siteSum(prevSums, prev) != siteSum(sums, prev) {
		return nil
	}
	kept := map[string]*campaign.Org{}
	for _, o := range prev.Orgs {
		was, ok1 := prevSums[o.Slug]
		now, ok2 := sums[o.Slug]
		if ok1 && ok2 && was == now {
			kept[o.Slug] = o
		}
	}
	for changed := true; changed; {
		changed = false
		for slug, o := range kept {
			for _, dep := range o.Depends() {
				if kept[dep] == nil {
					delete(kept, slug)
					changed = true
					break
				}
			}
		}
	}
	if len(kept) == 0 {
		return nil
	}
	return kept
}

// adopt returns next, the site just loaded, with each organisation whose
// folder reads the same bytes as when prev was loaded (prevSums against
// sums) replaced by prev's own, when the site's own files are unchanged
// too; and with prev's settings when they name the same default
// organisation. The site's build then takes those organisations' pages
// from the snapshot serving as they are (internal/site/reuseorg.go), and
// the copies just parsed are dropped at once, so a reload of unchanged
// files holds almost nothing twice. Otherwise next is returned as it is.
//
// An organisation whose campaigns name another's as related is kept only
// with that other one (its pages show the other's campaigns); the
// organisations loaded afresh have their related campaigns pointed at the
// kept ones. Nothing prev holds is written to: it is serving.
func adopt(prev *campaign.Site, prevSums folderSums, next *campaign.Site, sums folderSums) *campaign.Site {
	if prev == nil || next == nil || prevSums == nil || siteSum(prevSums, prev) != siteSum(sums, next) {
		return next
	}
	kept := map[string]*campaign.Org{}
	for _, o := range next.Orgs {
		old := prev.Org(o.Slug)
		if old == nil {
			continue
		}
		was, ok1 := prevSums[o.Slug]
		now, ok2 := sums[o.Slug]
		if ok1 && ok2 && was == now {
			kept[o.Slug] = old
		}
	}
	for changed := true; changed; {
		changed = false
		for slug, old := range kept {
			for _, dep := range old.Depends() {
				if kept[dep] == nil {
					delete(kept, slug)
					changed = true
					break
				}
			}
		}
	}
	if len(kept) == 0 {
		return next
	}
	orgs := make([]*campaign.Org, len(next.Orgs))
	for i, o := range next.Orgs {
		if old := kept[o.Slug]; old != nil {
			orgs[i] = old
			continue
		}
		orgs[i] = o
		pointRelated(o, kept)
	}
	config := next.Config
	def, prevDef := next.Config.DefaultOrg(), prev.Config.DefaultOrg()
	switch {
	case def == nil && prevDef == nil, def != nil && kept[def.Slug] != nil && kept[def.Slug] == prevDef:
		config = prev.Config
	case def != nil && kept[def.Slug] != nil:
		// next's settings name next's own copy of the default
		// organisation, which is not kept.
		return next
	}
	return campaign.SiteOf(orgs, config)
}

// pointRelated points the related campaigns of o, loaded afresh, that
// belong to a kept organisation at that organisation's own campaign.
func pointRelated(o *campaign.Org, kept map[string]*campaign.Org) {
	for _, lang := range o.Langs() {
		for _, c := range o.In(lang).Campaigns {
			for i, r := range c.Related {
				if r.Target == nil || r.Target.Org == nil {
					continue
				}
				if old := kept[r.Target.Org.Slug]; old != nil && old != r.Target.Org {
					if t := old.Campaign(r.Target.Slug); t != nil {
						c.Related[i].Target = t
					}
				}
			}
		}
	}
}
