package editing

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// gitTimeout bounds each git command (a hook or a locked index must not
// hold a save for ever).
const gitTimeout = 30 * time.Second

// git runs git with a fixed argument list in the campaigns folder; no
// shell sees any of it. The committer is Placard's console; the author is
// set per commit.
func (w *Workspace) git(ctx context.Context, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, gitTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", w.Dir}, args...)...)
	cmd.Env = append(os.Environ(),
		"GIT_COMMITTER_NAME=Placard console", "GIT_COMMITTER_EMAIL=console@placard.invalid",
		"GIT_TERMINAL_PROMPT=0", "GIT_EDITOR=true")
	return cmd.Output()
}

// InGit reports whether the campaigns folder is inside a git work tree
// (and git is installed).
func (w *Workspace) InGit(ctx context.Context) bool {
	if _, err := exec.LookPath("git"); err != nil {
		return false
	}
	out, err := w.git(ctx, "rev-parse", "--is-inside-work-tree")
	return err == nil && strings.TrimSpace(string(out)) == "true"
}

// commit records the organisation's files names as one commit by a. It
// reports whether the commit was made; a failure leaves the saved files as
// they are (the next save's commit takes them along).
func (w *Workspace) commit(ctx context.Context, org string, names []string, a Author, why string) bool {
	if !w.InGit(ctx) {
		return false
	}
	paths := make([]string, len(names))
	for i, n := range names {
		paths[i] = filepath.ToSlash(rel(org, n))
	}
	if _, err := w.git(ctx, append([]string{"add", "--"}, paths...)...); err != nil {
		return false
	}
	msg := paths[0] + ": " + oneLine(why) + " in the console"
	author := oneLine(a.Name) + " <" + oneLine(a.Email) + ">"
	if strings.TrimSpace(a.Name) == "" {
		author = "Organiser <" + oneLine(a.Email) + ">"
	}
	_, err := w.git(ctx, append([]string{"commit", "--quiet", "--no-gpg-sign", "--message", msg, "--author", author, "--"}, paths...)...)
	return err == nil
}

// oneLine keeps text safe inside a commit's author or subject: no line
// breaks, no control characters, no angle brackets.
func oneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '<' || r == '>' {
			return ' '
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}
