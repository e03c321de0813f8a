package views

import (
	"embed"
	"io/fs"
)

//go:embed static
var staticFiles embed.FS

// Static holds the files pages refer to — style.css and app.js — at its
// root. The web layer serves them under content-hashed names and passes
// those addresses to pages as Page.StylesheetURL and Page.ScriptURL; it is
// read-only, so sharing it between goroutines is safe.
var Static fs.FS = mustSub(staticFiles, "static")

// mustSub roots fsys at dir. The directory is embedded at build time, so a
// failure is a programming error caught by every test run.
func mustSub(fsys fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		panic("views: embedded " + dir + " directory missing: " + err.Error())
	}
	return sub
}
