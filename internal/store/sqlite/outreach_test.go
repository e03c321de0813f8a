package sqlite_test

import (
	"testing"

	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/storetest"
)

func TestOutreach(t *testing.T) {
	storetest.RunOutreach(t, func(t *testing.T) store.Store { return openTemp(t) })
}
