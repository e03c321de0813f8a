// Package devreload is the state behind the live preview of
// `placard serve --dev`: whether the campaign files are good or what their
// problems are, and the open event streams to wake when that changes. The
// event stream itself (HTTP, the Host check, the dev page policy) is web's.
package devreload

import "sync"

// MaxStreams is how many event streams may be open at once: far more tabs
// than one person previewing keeps open, few enough that a page opening
// streams in a loop cannot exhaust the server.
const MaxStreams = 16

// Problem is one problem as the dev overlay shows it. Text is the whole
// line, "file:line:col: message", the same as `placard check` prints.
type Problem struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Col     int    `json:"col"`
	Message string `json:"message"`
	Text    string `json:"text"`
}

// Hub remembers the latest state of the campaign files (good, or the
// problems of the last failed load) and wakes every open event stream when
// it changes. Streams read the state rather than a queue, so a slow tab can
// never hold up a reload; it simply sees the newest state.
type Hub struct {
	mu       sync.Mutex
	seq      uint64    // bumped on every reload or report
	problems []Problem // nil while the files are good
	subs     map[chan struct{}]struct{}
	stop     chan struct{} // closed by Stop
	stopOnce sync.Once
}

// New returns a hub whose files are good and which has no streams.
func New() *Hub {
	return &Hub{subs: map[chan struct{}]struct{}{}, stop: make(chan struct{})}
}

// Set records a new state (nil problems: the files are good and tabs
// reload) and wakes every stream. It is nil-safe so production servers (no
// hub) pay one comparison.
func (h *Hub) Set(problems []Problem) {
	if h == nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.seq++
	h.problems = problems
	for c := range h.subs {
		select {
		case c <- struct{}{}:
		default: // already woken; it will read the newest state
		}
	}
}

// State returns the current state and its sequence number, which moves
// with every Set.
func (h *Hub) State() (uint64, []Problem) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.seq, h.problems
}

// Subscribe registers a stream, which is woken through the channel after
// each Set, or reports false when MaxStreams are already open.
func (h *Hub) Subscribe() (chan struct{}, bool) {
	c := make(chan struct{}, 1)
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.subs) >= MaxStreams {
		return nil, false
	}
	h.subs[c] = struct{}{}
	return c, true
}

// Unsubscribe removes a stream Subscribe registered.
func (h *Hub) Unsubscribe(c chan struct{}) {
	h.mu.Lock()
	delete(h.subs, c)
	h.mu.Unlock()
}

// Streams is how many streams are registered.
func (h *Hub) Streams() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}

// Stop tells every stream, open now or later, to end (Stopped is closed).
// It is nil-safe and may be called more than once.
func (h *Hub) Stop() {
	if h != nil {
		h.stopOnce.Do(func() { close(h.stop) })
	}
}

// Stopped is closed once Stop has been called.
func (h *Hub) Stopped() <-chan struct{} { return h.stop }
