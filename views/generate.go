package views

// The components' Go code (*_templ.go) is generated from the .templ files
// in this folder and committed; go generate ./... (make generate) remakes
// it, and CI checks it is current (templ generate -check). It runs from the
// module root (-path ..), as CI's check does, so the file names recorded in
// the generated code stay views/NAME.templ.
//go:generate go tool templ generate -path ..
