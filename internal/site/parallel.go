package site

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// jobs is building work set aside to run on every core at once: the
// renderings and compressions of pages whose inputs the builder has
// already laid out, which touch nothing another job touches (each writes
// its own campaign's values; pagecache.Reuse locks). Start and reload
// then use the machine's cores instead of one (issue 12: 1 s per 1,000
// campaigns).
type jobs struct {
	fns []func() error
}

// add sets fn aside for run; with no jobs (a builder not compiling a
// snapshot), fn runs at once.
func (j *jobs) add(fn func() error) error {
	if j == nil {
		return fn()
	}
	j.fns = append(j.fns, fn)
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
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
