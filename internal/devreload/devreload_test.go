package devreload

import "testing"

// TestHub: a stream is woken by Set and reads the newest state; at most
// MaxStreams are registered; Stop closes Stopped once, however often called.
func TestHub(t *testing.T) {
	var none *Hub
	none.Set(nil) // production servers have no hub
	none.Stop()

	h := New()
	wake, ok := h.Subscribe()
	if !ok {
		t.Fatal("first stream refused")
	}
	seq0, _ := h.State()
	h.Set([]Problem{{File: "a.yaml", Line: 1, Col: 2, Message: "m", Text: "a.yaml:1:2: m"}})
	h.Set([]Problem{{Text: "newest"}})
	select {
	case <-wake:
	default:
		t.Fatal("Set did not wake the stream")
	}
	seq, problems := h.State()
	if seq != seq0+2 || len(problems) != 1 || problems[0].Text != "newest" {
		t.Fatalf("State() = %d, %+v; want %d and the newest problems", seq, problems, seq0+2)
	}
	for i := 1; i < MaxStreams; i++ {
		if _, ok := h.Subscribe(); !ok {
			t.Fatalf("stream %d refused", i+1)
		}
	}
	if _, ok := h.Subscribe(); ok {
		t.Fatalf("stream %d accepted, want at most %d", MaxStreams+1, MaxStreams)
	}
	h.Unsubscribe(wake)
	if n := h.Streams(); n != MaxStreams-1 {
		t.Fatalf("Streams() = %d after one left, want %d", n, MaxStreams-1)
	}
	h.Stop()
	h.Stop()
	select {
	case <-h.Stopped():
	default:
		t.Fatal("Stopped not closed after Stop")
	}
}
