package site

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// jobs is building work set aside to run on every core at once, a batch
// at a time: the renderings and compressions of pages whose inputs the
// builder has already laid out, which touch nothing another job touches
// (each writes its own page's or campaign's values; pagecache.Reuse
// locks). Start and reload then use the machine's cores instead of one
// (issue 12: 1 s per 1,000 campaigns). Compile runs what is left at the
// end of the pages; nothing may read a response a job fills before then.
type jobs struct {
	fns []func() error
}

// batch is how many jobs wait before they are run: enough to keep every
// core busy, few enough that the props they hold do not pile up. Setting
// all of a site's renderings aside until the end held every page's props
// at once, and the holes they left when freed made the heap of 1,000
// campaigns 3.5 MB larger.
const batch = 64

// add sets fn aside for run, running the jobs set aside once there are
// batch of them; with no jobs (a builder not compiling a snapshot), fn
// runs at once.
func (j *jobs) add(fn func() error) error {
	if j == nil {
		return fn()
	}
	j.fns = append(j.fns, fn)
	if len(j.fns) >= batch {
		return j.run()
	}
	return nil
}

// run runs every job set aside on GOMAXPROCS goroutines and returns the
// error of the first job, in the order they were added, that failed; the
// others still run to their end.
func (j *jobs) run() error {
	if j == nil || len(j.fns) == 0 {
		return nil
	}
	fns := j.fns
	j.fns = nil
	errs := make([]error, len(fns))
	var next atomic.Int64
	work := func() {
		for {
			i := int(next.Add(1)) - 1
			if i >= len(fns) {
				return
			}
			errs[i] = fns[i]()
			fns[i] = nil // its captured values can go as soon as it is done
		}
	}
	workers := min(runtime.GOMAXPROCS(0), len(fns))
	var wg sync.WaitGroup
	for range workers - 1 {
		wg.Go(work)
	}
	work()
	wg.Wait()
	if j.fns == nil {
		j.fns = fns[:0] // every entry is nil again: reuse the array
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
