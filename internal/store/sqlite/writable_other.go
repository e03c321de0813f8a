//go:build !unix

package sqlite

// folderWritable checks nothing where access(2) does not exist; opening
// the file itself is still checked (checkWritable).
func folderWritable(string) error { return nil }

func owners(string) string { return "" }
