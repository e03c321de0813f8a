package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// Exit codes, as scripts and CI rely on them.
const (
	exitOK      = 0 // success; for check, every file is valid
	exitFailure = 1 // the work failed, such as invalid campaigns or a port in use
	exitUsage   = 2 // the command line was wrong
)

// exitError carries an exit code out of run. Its message has already been
// printed to stderr by the time run returns, so main only needs the code.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

// failure is an exit-1 error whose message run prints.
func failure(format string, args ...any) error {
	return &exitError{code: exitFailure, msg: fmt.Sprintf(format, args...)}
}

// usageErr is an exit-2 error whose message run prints, followed by a hint
// to the command's --help.
func usageErr(cmd, format string, args ...any) error {
	return &exitError{code: exitUsage, msg: fmt.Sprintf(format, args...) + "\nRun 'placard " + cmd + " --help' for usage."}
}

// reported is an error whose details were already printed (such as the
// problem list of check).
func reported(code int) error { return &exitError{code: code} }

// exitCode maps run's error to the process exit code.
func exitCode(err error) int {
	if err == nil {
		return exitOK
	}
	var e *exitError
	if errors.As(err, &e) {
		return e.code
	}
	return exitFailure
}

const mainUsage = `placard checks and serves campaigns written as YAML files.

Usage:
  placard serve [flags]    serve the campaigns as web pages
  placard check [DIR]      check every file in DIR (default: campaigns)
  placard signatures ...   export, erase, approve or reject signatures
  placard stats ORG/SLUG   where a campaign's supporters came from
  placard new org|campaign write a new, commented file to start from
  placard build OUTDIR     write the site as files for a static host
  placard schema ...       print the editor schema of org|campaign files
  placard embed ORG/SLUG   print the code partner sites paste to embed a campaign

Run 'placard COMMAND --help' for a command's flags.
`

// run is the whole program: it reads args (without the program name) and
// the environment through getenv, writes output to stdout and messages to
// stderr, and returns nil or an error whose exit code exitCode gives. Every
// error message has been written to stderr by the time run returns.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	err := dispatch(ctx, args, getenv, stdout, stderr)
	var e *exitError
	switch {
	case err == nil:
	case errors.As(err, &e):
		if e.msg != "" {
			fmt.Fprintln(stderr, "placard: "+e.msg)
		}
	default:
		fmt.Fprintln(stderr, "placard: "+err.Error())
	}
	return err
}

func dispatch(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, mainUsage)
		return reported(exitUsage)
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], getenv, stdout, stderr)
	case "check":
		return check(args[1:], getenv, stdout, stderr)
	case "build":
		return build(args[1:], getenv, stdout, stderr)
	case "schema":
		return schemaCmd(args[1:], stdout, stderr)
	case "new":
		return newCmd(args[1:], getenv, stdout, stderr)
	case "signatures":
		return signatures(ctx, args[1:], getenv, stdout, stderr)
	case "embed":
		return embedCmd(args[1:], getenv, stdout, stderr)
	case "stats":
		return stats(ctx, args[1:], getenv, stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, mainUsage)
		return nil
	}
	msg := fmt.Sprintf("unknown command %q", args[0])
	for _, c := range []string{"serve", "check", "signatures", "build"} {
		if strings.HasPrefix(c, args[0]) || strings.HasPrefix(args[0], c) || closeWord(args[0], c) {
			msg += fmt.Sprintf("; did you mean %q?", c)
			break
		}
	}
	fmt.Fprint(stderr, mainUsage)
	return &exitError{code: exitUsage, msg: msg}
}

// closeWord reports whether a and b differ by at most one edit, by
// comparing their lengths and the characters that line up.
func closeWord(a, b string) bool {
	if d := len(a) - len(b); d > 1 || d < -1 {
		return false
	}
	diff := 0
	for i, j := 0, 0; i < len(a) && j < len(b); i, j = i+1, j+1 {
		if a[i] != b[j] {
			diff++
			if len(a) > len(b) {
				j--
			} else if len(a) < len(b) {
				i--
			}
		}
	}
	return diff <= 1
}

// newFlagSet makes a command's flag set that reports errors instead of
// exiting, prints its usage to stderr (stdout for --help), and lists each
// flag's PLACARD_* variable.
func newFlagSet(name, synopsis string, stdout, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		out := fs.Output()
		fmt.Fprintf(out, "Usage: placard %s\n\n%s\n", name, synopsis)
		hasFlags := false
		fs.VisitAll(func(*flag.Flag) { hasFlags = true })
		if hasFlags {
			fmt.Fprintln(out, "\nFlags:")
			fs.PrintDefaults()
		}
	}
	return fs
}

// parseFlags parses args. -h or --help prints the usage to stdout (help is
// then true and err nil); a bad flag prints the problem and usage to stderr
// and returns an exit-2 error.
func parseFlags(fs *flag.FlagSet, args []string, stdout io.Writer) (help bool, err error) {
	for _, a := range args {
		if a == "--" {
			break
		}
		if a == "-h" || a == "-help" || a == "--help" {
			fs.SetOutput(stdout)
			fs.Usage()
			return true, nil
		}
	}
	if err := fs.Parse(args); err != nil {
		// The flag package has already printed the error and the usage.
		return false, reported(exitUsage)
	}
	return false, nil
}

// envOr returns the environment variable key, or def when it is unset.
func envOr(getenv func(string) string, key, def string) string {
	if v := strings.TrimSpace(getenv(key)); v != "" {
		return v
	}
	return def
}

// flagsAfterArg lets a command's one argument come before its flags too
// (placard build out --campaigns x): the flag package stops at the first
// argument, so the rest are parsed again with the argument kept first.
func flagsAfterArg(fs *flag.FlagSet) error {
	if fs.NArg() > 1 && strings.HasPrefix(fs.Arg(1), "-") {
		first := fs.Arg(0)
		if err := fs.Parse(fs.Args()[1:]); err != nil {
			return reported(exitUsage)
		}
		_ = fs.Parse(append([]string{"--"}, append([]string{first}, fs.Args()...)...))
	}
	return nil
}
