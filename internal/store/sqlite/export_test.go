package sqlite

// ShortWipe makes an erasure's checkpoint give up after one busy try,
// for tests holding a reader against it, until restore is called.
func ShortWipe() (restore func()) {
	tries := wipeTries
	wipeTries = 1
	return func() { wipeTries = tries }
}
