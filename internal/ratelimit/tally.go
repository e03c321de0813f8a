package ratelimit

import (
	"sync"
	"time"
)

// Tally counts events per key for a log that must not be flooded: Note
// says when a key's count is due a line (its first at once, then at most
// one every Every), and Flush hands over the counts that waited, so the
// last events before an attack stops are told too (on the next tick, or
// at shutdown) rather than never. The zero value is ready; Every's zero
// is a minute.
type Tally[K comparable] struct {
	// Every is the least time between two lines of one key.
	Every time.Duration

	mu   sync.Mutex
	keys map[K]*tallyCount
}

type tallyCount struct {
	last    time.Time
	pending int
}

func (t *Tally[K]) every() time.Duration {
	if t.Every <= 0 {
		return time.Minute
	}
	return t.Every
}

// Note counts one event of k at now. When k is due a line it reports the
// count to log (the events since k's last line, this one included) and
// due true, and starts counting afresh.
func (t *Tally[K]) Note(k K, now time.Time) (n int, due bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.keys == nil {
		t.keys = map[K]*tallyCount{}
	}
	c := t.keys[k]
	if c == nil {
		c = &tallyCount{}
		t.keys[k] = c
	}
	c.pending++
	n = c.pending
	due = c.last.IsZero() || now.Sub(c.last) >= t.every() || now.Before(c.last)
	if due {
		c.last, c.pending = now, 0
	}
	return n, due
}

// Flush calls log with the count of every key whose events have waited
// for a line and are due one at now (all of them when all is set: at
// shutdown), and starts those afresh. Keys quiet for longer than Every
// are forgotten, so the map holds only what is being counted. log is
// called without the lock held.
func (t *Tally[K]) Flush(now time.Time, all bool, log func(k K, n int)) {
	type line struct {
		k K
		n int
	}
	var lines []line
	t.mu.Lock()
	for k, c := range t.keys {
		due := all || now.Sub(c.last) >= t.every() || now.Before(c.last)
		switch {
		case c.pending > 0 && due:
			lines = append(lines, line{k, c.pending})
			c.last, c.pending = now, 0
		case c.pending == 0 && due:
			delete(t.keys, k)
		}
	}
	t.mu.Unlock()
	for _, l := range lines {
		log(l.k, l.n)
	}
}
