package main

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/web"
)

// reloader loads the campaign files again and swaps them in atomically, for
// SIGHUP, --watch and --dev. A load with problems is refused: the problems
// are logged (and shown on --dev pages) and the last good snapshot keeps
// serving, so a bad save never breaks the live site.
type reloader struct {
	dir string
	srv *web.Server
	log *slog.Logger
	mu  sync.Mutex // one reload at a time, whoever asked
	// site is the site serving now, for the daily retention purge.
	site atomic.Pointer[campaign.Site]
	// sums are the files' digests when site was loaded (adopt.go); nil
	// when the files loaded had problems (serve --dev).
	sums folderSums

	// opts are --secret-env's names (secretenv.go).
	opts campaign.LoadOptions
	// load is campaign.LoadWith; tests change files while it runs.
	load func(dir string, o campaign.LoadOptions) (*campaign.Site, campaign.Problems)
	// moves, when set, moves renamed campaigns' rows to their new names
	// after every good reload (move.go).
	moves func(*campaign.Site)
	// loadedAt is when the files of site were read (UnixNano): a reload
	// that finds every file unchanged leaves it as it was.
	loadedAt atomic.Int64
	// keepApart, when set, runs on a good load before it serves, with the
	// time its files were read: removed campaigns loaded again get their
	// own rows only (removed.go).
	keepApart func(site *campaign.Site, loaded time.Time)
	// removed, when set, runs after a good reload that read the files,
	// with the site it replaced: it records the campaigns removed
	// (removed.go).
	removed func(site, prev *campaign.Site, loaded time.Time)
}

// loaded is when the files of the site serving were read.
func (rl *reloader) loaded() time.Time { return time.Unix(0, rl.loadedAt.Load()) }

// reload loads and swaps in the site; why names what asked, for the log.
// It reports whether the new files are serving.
func (rl *reloader) reload(why string) bool {
	rl.mu.Lock()
	defer rl.mu.Unlock()
	var ok bool
	prev := rl.site.Load()
	web.Frugally(func() { withinLimit(reloadHeadroom, func() { ok = rl.loadAndSwap(why) }) })
	if ok && rl.moves != nil {
		rl.moves(rl.site.Load())
	}
	if site := rl.site.Load(); ok && rl.removed != nil && site != prev {
		rl.removed(site, prev, rl.loaded())
	}
	return ok
}

// reloadHeadroom is how much more memory than before a reload may take
// while it runs: issue 12 asks for a peak of at most 1.25× the steady
// state, and the process holds some memory the Go runtime does not count.
const reloadHeadroom = 1.15

// withinLimit runs f with the Go runtime's soft memory limit at headroom
// times the memory it holds now, so the garbage collector works harder as
// a reload nears it instead of letting the heap grow by a fraction of the
// old and new sites together. Unchanged organisations are taken from the
// site serving (adopt), so a reload needs little more than the files being
// parsed; one that changes every page needs about twice the memory, goes
// over the limit, and is then slower (the collector takes at most half
// the CPU), never refused.
func withinLimit(headroom float64, f func()) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	held := ms.Sys - ms.HeapReleased
	old := debug.SetMemoryLimit(int64(float64(held) * headroom))
	defer debug.SetMemoryLimit(old)
	f()
}

// loadAndSwap is reload's work, under rl.mu.
func (rl *reloader) loadAndSwap(why string) bool {
	sums := sumFolders(rl.dir) // before loading: see sumFolders
	started := time.Now()      // the files read are at least this new
	if prev := rl.site.Load(); prev != nil && rl.sums != nil && maps.Equal(sums, rl.sums) {
		// Not a byte changed since the last good load: nothing to parse.
		// The build still runs, taking every page that has not come to
		// its close_at or publish_at from the snapshot serving.
		if err := rl.srv.SetSite(prev); err != nil {
			rl.log.Error("reload failed; still serving the last good version", "reason", why, "err", err)
			return false
		}
		orgs, camps := siteCounts(prev)
		rl.log.Info("reloaded", "reason", why, "campaigns", rl.dir, "organisations", orgs, "campaign_pages", camps, "unchanged", true)
		return true
	}
	// Organisations whose files (and whose related campaigns' files) are
	// unchanged are not read again: the load takes the ones serving.
	opts := rl.opts
	if keep := keepable(rl.site.Load(), rl.sums, sums); keep != nil {
		opts.Keep = func(slug string) *campaign.Org { return keep[slug] }
	}
	load := rl.load
	if load == nil {
		load = campaign.LoadWith
	}
	site, problems := load(rl.dir, opts)
	if problems.HasErrors() {
		for _, p := range problems.Errors() {
			rl.log.Warn(p.String())
		}
		rl.log.Warn("reload refused: the campaign files have problems; still serving the last good version",
			"reason", why, "problems", len(problems.Errors()))
		rl.srv.ReportProblems(problems)
		return false
	}
	for _, p := range problems.Warnings() {
		rl.log.Warn(p.String())
	}
	// Unchanged organisations are the ones serving, so their pages are
	// taken as they are and the copies just loaded are dropped.
	site = adopt(rl.site.Load(), rl.sums, site, sums)
	if rl.keepApart != nil {
		// Before the site serves: a campaign of a removed one's name
		// takes no signature while the old rows are still its own.
		rl.keepApart(site, started)
	}
	if err := rl.srv.SetSite(site); err != nil {
		rl.log.Error("reload failed; still serving the last good version", "reason", why, "err", err)
		return false
	}
	rl.site.Store(site)
	rl.loadedAt.Store(started.UnixNano())
	rl.sums = settled(rl.dir, sums) // a file changed while loading is loaded again next time
	orgs, camps := siteCounts(site)
	rl.log.Info("reloaded", "reason", why, "campaigns", rl.dir, "organisations", orgs, "campaign_pages", camps)
	return true
}

// devPollInterval is how often --dev and --watch look for edited campaign
// files when file notifications are not available.
const devPollInterval = time.Second

// watchDebounce gathers the burst of events one save makes (editors write,
// rename and chmod) into one reload.
const watchDebounce = 100 * time.Millisecond

// watch reloads the site when a file under dir changes. It uses file
// notifications on every folder under dir, adding folders as they are
// created, and gathers events for watchDebounce before reloading. When
// notifications cannot be set up or stop working (some network and
// container mounts), it falls back to polling every devPollInterval. last
// is the fingerprint of the files the serving site was loaded from; a
// reload happens only when the fingerprint differs, so an edit made while
// the server started is caught and a no-op event costs nothing.
func watch(ctx context.Context, dir, last string, rl *reloader, log *slog.Logger) {
	check := func(why string) {
		if fp := fingerprint(dir); fp != last {
			last = fp
			rl.reload(why)
		}
	}
	w, err := fsnotify.NewWatcher()
	if err == nil {
		err = addTree(w, dir)
		if err != nil {
			w.Close()
		}
	}
	if err != nil {
		log.Warn("cannot watch the campaign files for changes; checking every second instead", "err", err)
		poll(ctx, check)
		return
	}
	defer w.Close()
	check("file change") // anything edited before the watch began
	var timer <-chan time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-w.Events:
			if !ok {
				log.Warn("watching the campaign files stopped; checking every second instead")
				poll(ctx, check)
				return
			}
			if ev.Has(fsnotify.Create) {
				if fi, err := os.Stat(ev.Name); err == nil && fi.IsDir() {
					if err := addTree(w, ev.Name); err != nil {
						log.Warn("cannot watch a new folder; its changes are seen on the next other change", "folder", ev.Name, "err", err)
					}
				}
			}
			timer = time.After(watchDebounce)
		case err, ok := <-w.Errors:
			if !ok {
				log.Warn("watching the campaign files stopped; checking every second instead")
				poll(ctx, check)
				return
			}
			log.Warn("watching the campaign files", "err", err)
			timer = time.After(watchDebounce) // events may have been lost
		case <-timer:
			timer = nil
			check("file change")
		}
	}
}

// addTree watches dir and every folder under it.
func addTree(w *fsnotify.Watcher, dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return w.Add(p)
		}
		return nil
	})
}

// poll calls check every devPollInterval until ctx ends: the fallback when
// file notifications are not available.
func poll(ctx context.Context, check func(why string)) {
	t := time.NewTicker(devPollInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			check("file change")
		}
	}
}

// fingerprint summarises the names, sizes and modification times of every
// file under dir.
func fingerprint(dir string) string {
	var b strings.Builder
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if info, err := d.Info(); err == nil {
			fmt.Fprintf(&b, "%s|%d|%d\n", p, info.Size(), info.ModTime().UnixNano())
		}
		return nil
	})
	return b.String()
}
