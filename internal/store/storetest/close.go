package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/placard/placard/internal/store"
)

// testCloseTwice: Close may be called more than once (a deferred Close
// after an explicit one on shutdown, a test's cleanup after the test
// closed the store itself). The second call returns nil and does nothing;
// it must never panic. Using the store after Close is an error, not a
// panic either.
func testCloseTwice(t *testing.T, s store.Store) {
	if err := s.Close(); err != nil {
		t.Fatalf("first Close: got %v, want nil", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: got %v, want nil", err)
	}
	func() {
		defer func() {
			if r := recover(); r != nil {
				t.Fatalf("Counts after Close panicked: %v", r)
			}
		}()
		if _, err := s.Counts(context.Background()); err == nil {
			t.Fatal("Counts after Close: got nil error, want one")
		} else if errors.Is(err, store.ErrNotFound) {
			t.Fatalf("Counts after Close: got %v, want a closed-store error", err)
		}
	}()
}
