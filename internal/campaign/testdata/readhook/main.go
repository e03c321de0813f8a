// Command readhook calls campaign.SetReadHook outside a test binary, as
// production code could: TestSetReadHookPanicsOutsideTests builds and
// runs it. It prints what happened and exits 0 only when the call
// panicked.
package main

import (
	"fmt"
	"os"

	"github.com/placard/placard/internal/campaign"
)

func main() {
	defer func() {
		if r := recover(); r != nil {
			fmt.Println("panicked:", r)
			os.Exit(0)
		}
	}()
	restore := campaign.SetReadHook(func(string) {})
	restore()
	fmt.Println("SetReadHook returned")
	os.Exit(1)
}
