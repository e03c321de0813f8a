package views

import "github.com/placard/placard/internal/i18n"

// The console's file editor (internal/editpages): the organisation's files
// with their lifecycle buttons, and the editor of one file. These are the
// pages' bodies; the console's layout wraps them.

// EditFilesProps is the list of an organisation's files.
type EditFilesProps struct {
	// L is the organiser's language.
	L *i18n.Localizer
	// Files are org.yaml, then each campaign file.
	Files []EditFileRow
	// CanChange is false for a viewer: no forms that change anything.
	CanChange bool
	// NewAction is where the new-campaign form posts; Kinds its choices.
	NewAction string
	Kinds     []Option
	// UploadAction is where the picture form posts.
	UploadAction string
	// Uploaded is the path of the picture just stored, to copy into a file.
	Uploaded string
	// Problem is what was wrong with the last form sent ("" for nothing).
	Problem string
}

// EditFileRow is one file.
type EditFileRow struct {
	// Name is the file's name; EditURL opens it.
	Name, EditURL string
	// Campaign is set for a campaign file: its title, status (worded)
	// and the lifecycle forms' addresses.
	Campaign      bool
	Title, Status string
	Version       string
	PublishURL    string
	CloseURL      string
	CanPublish    bool
	CanClose      bool
	HandinURL     string
	// HandinLangs offers the hand-in document in the organisation's other
	// languages: Value is the address, Label the language's own name.
	HandinLangs      []Option
	PreviewOrPageURL string
}

// EditorProps is the editor of one file.
type EditorProps struct {
	// L is the organiser's language.
	L *i18n.Localizer
	// Path is the file as check names it: riverside/library.yaml.
	Path string
	// Action is where the form posts (save or check); CheckURL and
	// PreviewURL are the script's check endpoint and the preview target.
	Action, CheckURL, PreviewURL string
	// Text is the text in the editor: the file, or what the organiser
	// typed when a save was refused. Version is the version it is based on.
	Text, Version string
	// Gutter is the line numbers beside the text, one a line.
	Gutter string
	// Rows is the textarea's height in lines.
	Rows int
	// Problems are the checker's findings in this organisation's files.
	Problems []EditProblem
	// Elsewhere is set when other organisations' files have errors.
	Elsewhere bool
	// Checked is true after a check or a refused save: Problems is current.
	Checked bool
	// Notice says what just happened ("" for nothing): saved, reloaded,
	// committed, or checked with no problems.
	Notice string
	// Conflict is the difference between the file on disk and the text
	// when someone else saved it first ("" for none).
	Conflict string
	// CanChange is false for a viewer: the text is read-only.
	CanChange bool
	// ScriptURL and StyleURL are the editor's own script and stylesheet.
	ScriptURL, StyleURL string
}

// EditProblem is one problem, placed.
type EditProblem struct {
	// Line and Col are 1-based; 0 for the whole file.
	Line, Col int
	// Where is the place in words ("line 3, column 9") and File the file
	// when it is not the one being edited.
	Where, File string
	// Message is the checker's words.
	Message string
	// Warning marks a problem that does not stop a save.
	Warning bool
	// Here is true when the problem is in the file being edited.
	Here bool
}
