package mail

import (
	"context"
	"testing"
	"time"
)

// TestPacerHoldsNoTurnItCannotUse: attack on the sending rate — an
// operator whose provider allows a few messages a minute sets
// --mail-rate 0.05/s. The outbox hands a batch of 16 to the sender with
// 30 seconds to deliver it; every message waited for its turn, and each
// one cut short by the time limit kept the turn it had taken. Each batch
// pushed the next free turn minutes further than the time that passed, so
// under a backlog no message was sent at all and the queue aged out to
// dead after 48 hours. Now a message whose turn falls after its deadline
// fails at once (to be tried again) and takes no turn, and one cut short
// while waiting gives its turn back. Failed before: four turns were held
// for the one message sent.
func TestPacerHoldsNoTurnItCannotUse(t *testing.T) {
	p := &pacer{every: time.Hour}
	start := time.Now()
	if err := p.wait(context.Background()); err != nil {
		t.Fatalf("the first message's turn: %v", err)
	}
	for i := range 3 {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		err := p.wait(ctx)
		cancel()
		if err == nil {
			t.Fatalf("message %d got a turn an hour away within 20 ms", i+1)
		}
	}
	p.mu.Lock()
	held := p.next.Sub(start)
	p.mu.Unlock()
	if held > time.Hour+time.Minute {
		t.Errorf("the next free turn is %v away after one message sent; want about an hour (turns held by messages that never went)", held.Round(time.Minute))
	}

	// A wait cut short by its caller (a shutdown) gives its turn back too.
	p2 := &pacer{every: time.Hour}
	start2 := time.Now()
	if err := p2.wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := p2.wait(ctx); err == nil {
		t.Fatal("a cancelled wait got its turn")
	}
	p2.mu.Lock()
	held2 := p2.next.Sub(start2)
	p2.mu.Unlock()
	if held2 > time.Hour+time.Minute {
		t.Errorf("after a cancelled wait the next free turn is %v away; want about an hour", held2.Round(time.Minute))
	}
}
