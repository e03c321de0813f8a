package main

import (
	"crypto/rand"
	"crypto/sha256"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/placard/placard/internal/campaign"
)

// folderSums is a digest of the bytes under each entry of the campaigns
// folder (each organisation's folder, site.yaml, the site's own files), by
// name: what a reload compares to know which organisations are unchanged.
type folderSums map[string][sha256.Size]byte

// sumFolders reads every file under dir and sums each of its entries: the
// path and bytes of every file below it, in order. An entry holding a link
// or a file that cannot be read gets a digest of its own that matches
// nothing, so it is always loaded afresh. Called before loading, so the
// files loaded are never older than the sums.
func sumFolders(dir string) folderSums {
	sums := folderSums{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return sums
	}
	for _, e := range entries {
		sums[e.Name()] = sumEntry(filepath.Join(dir, e.Name()))
	}
	return sums
}

// sumEntry is the digest of the file or folder at p (see sumFolders).
func sumEntry(p string) (sum [sha256.Size]byte) {
	h := sha256.New()
	unique := func() [sha256.Size]byte {
		var u [sha256.Size]byte
		_, _ = rand.Read(u[:])
		return u
	}
	err := filepath.WalkDir(p, func(q string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type()&fs.ModeSymlink != 0 {
			return fs.ErrInvalid // where it leads may change unseen
		}
		if d.IsDir() {
			return nil
		}
		data, err := os.ReadFile(q)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(p, q)
		h.Write([]byte(rel))
		h.Write([]byte{0})
		var n [8]byte
		for i, l := 0, uint64(len(data)); i < 8; i, l = i+1, l>>8 {
			n[i] = byte(l)
		}
		h.Write(n[:])
		h.Write(data)
		return nil
	})
	if err != nil {
		return unique()
	}
	h.Sum(sum[:0])
	return sum
}

// siteSum sums the entries of sums that are not organisations of site:
// site.yaml, the site's own files and anything else beside the
// organisations' folders.
func siteSum(sums folderSums, site *campaign.Site) [sha256.Size]byte {
	names := make([]string, 0, len(sums))
	for name := range sums {
		if site.Org(name) == nil {
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

// adopt returns next, the site just loaded, with each organisation whose
// folder reads the same bytes as when prev was loaded (prevSums against
// sums) replaced by prev's own, when the site's own files are unchanged
// too; and with prev's settings when they name the same default
// organisation. The site's build then takes those organisations' pages
// from the snapshot serving as they are (internal/site/reuseorg.go), and
// the copies just parsed are dropped at once, so a reload of unchanged
// files holds almost nothing twice. Otherwise next is returned as it is.
func adopt(prev *campaign.Site, prevSums folderSums, next *campaign.Site, sums folderSums) *campaign.Site {
	if prev == nil || next == nil || prevSums == nil || siteSum(prevSums, prev) != siteSum(sums, next) {
		return next
	}
	orgs := make([]*campaign.Org, len(next.Orgs))
	adopted := 0
	for i, o := range next.Orgs {
		orgs[i] = o
		old := prev.Org(o.Slug)
		if old == nil {
			continue
		}
		was, ok1 := prevSums[o.Slug]
		now, ok2 := sums[o.Slug]
		if ok1 && ok2 && was == now {
			orgs[i] = old
			adopted++
		}
	}
	if adopted == 0 {
		return next
	}
	site := campaign.NewSite(orgs)
	site.Config = next.Config
	def, prevDef := next.Config.DefaultOrg(), prev.Config.DefaultOrg()
	if def == nil && prevDef == nil || def != nil && site.Org(def.Slug) == prevDef {
		site.Config = prev.Config
	} else if def != nil && site.Org(def.Slug) != def {
		// next's settings name next's own copy of the default
		// organisation, which was not kept.
		return next
	}
	return site
}
