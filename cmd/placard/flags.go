package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// cmdFlags is one command's flags and the PLACARD_* environment variable
// that may set each of them. Every command parses its command line the same
// way: flags may come before, between or after the arguments ("--" ends
// them), -h or --help prints the usage, an unknown flag gets a did-you-mean,
// and then the environment fills in every flag the command line left unset.
type cmdFlags struct {
	*flag.FlagSet
	cmd    string            // the command as usage errors name it: "serve", "signatures export"
	stdout io.Writer         // where --help goes
	stderr io.Writer         // where a wrong command line is explained
	vars   map[string]string // flag name → its environment variable
	// fromEnv names the flags the environment set in this run, with the
	// variable that did, so a message about a value can name where it came
	// from (see source).
	fromEnv map[string]string
}

// newFlags makes the flag set of the command cmd. usage is the command
// line shown after "Usage: placard" (such as "build OUTDIR [flags]") and
// synopsis the paragraph under it; the flags follow, each with its variable.
func newFlags(cmd, usage, synopsis string, stdout, stderr io.Writer) *cmdFlags {
	f := &cmdFlags{
		FlagSet: flag.NewFlagSet(cmd, flag.ContinueOnError),
		cmd:     cmd, stdout: stdout, stderr: stderr,
		vars: map[string]string{},
	}
	f.SetOutput(stderr)
	f.Usage = func() {
		out := f.Output()
		fmt.Fprintf(out, "Usage: placard %s\n\n%s\n", usage, synopsis)
		hasFlags := false
		f.VisitAll(func(*flag.Flag) { hasFlags = true })
		if hasFlags {
			fmt.Fprintln(out, "\nFlags:")
			f.PrintDefaults()
		}
	}
	return f
}

// env lets the environment variable name set the flag called flagName when
// the command line does not, and names the variable in the flag's --help
// line. The flag must be defined already.
func (f *cmdFlags) env(flagName, name string) {
	fl := f.Lookup(flagName)
	if fl == nil {
		panic("cmdFlags.env: no flag --" + flagName)
	}
	f.vars[flagName] = name
	fl.Usage += " [" + name + "]"
}

// dbFlag adds --db with serve's default and PLACARD_DB, so every command
// reads the same database unless told otherwise.
func (f *cmdFlags) dbFlag() *string {
	db := f.String("db", filepath.Join("placard-data", "placard.db"),
		"the signature database placard serve uses: a SQLite `file` path or a postgres:// URL")
	f.env("db", "PLACARD_DB")
	return db
}

// campaignsFlag adds --campaigns, the folder of campaign files, with
// PLACARD_CAMPAIGNS; usage describes it for this command.
func (f *cmdFlags) campaignsFlag(usage string) *string {
	dir := f.String("campaigns", "campaigns", usage)
	f.env("campaigns", "PLACARD_CAMPAIGNS")
	return dir
}

// parse reads args: flags anywhere, the rest returned in order as the
// command's arguments. With -h or --help (before any "--") it prints the
// usage to stdout and returns help true and no error. A wrong flag prints
// the problem, a did-you-mean and the usage to stderr and returns an
// exit-2 error. Then applyEnv sets every flag the command line left unset
// from its environment variable.
func (f *cmdFlags) parse(args []string, getenv func(string) string) (pos []string, help bool, err error) {
	for _, a := range args {
		if a == "--" {
			break
		}
		if a == "-h" || a == "-help" || a == "--help" {
			f.SetOutput(f.stdout)
			f.Usage()
			return nil, true, nil
		}
	}
	pos = []string{}
	rest := args
	for {
		if err := f.parseOnce(rest); err != nil {
			return nil, false, err
		}
		left := f.Args()
		if f.endedFlags(rest[:len(rest)-len(left)]) {
			pos = append(pos, left...)
			break
		}
		if len(left) == 0 {
			break
		}
		pos = append(pos, left[0])
		rest = left[1:]
	}
	from, err := applyEnv(f.FlagSet, f.vars, getenv)
	if err != nil {
		return nil, false, usageErr(f.cmd, "%v", err)
	}
	f.fromEnv = from
	return pos, false, nil
}

// parseOnce is flag.FlagSet.Parse, with a did-you-mean added to the
// message about a flag that does not exist.
func (f *cmdFlags) parseOnce(args []string) error {
	var msg bytes.Buffer
	f.SetOutput(&msg)
	err := f.Parse(args)
	f.SetOutput(f.stderr)
	if err == nil {
		return nil
	}
	line := err.Error()
	if name, ok := strings.CutPrefix(line, "flag provided but not defined: "); ok {
		name = strings.TrimLeft(name, "-")
		var names []string
		f.VisitAll(func(fl *flag.Flag) { names = append(names, fl.Name) })
		if s := suggest(name, names); s != "" {
			line += fmt.Sprintf("; did you mean %q?", "--"+s)
		}
	}
	fmt.Fprintln(f.stderr, line)
	f.Usage()
	return reported(exitUsage)
}

// endedFlags reports whether the arguments one Parse consumed ended with
// a "--" that ends the flags, rather than one given as a flag's value.
func (f *cmdFlags) endedFlags(consumed []string) bool {
	n := len(consumed)
	if n == 0 || consumed[n-1] != "--" {
		return false
	}
	if n == 1 {
		return true
	}
	prev := consumed[n-2]
	if !strings.HasPrefix(prev, "-") || strings.Contains(prev, "=") {
		return true
	}
	fl := f.Lookup(strings.TrimLeft(prev, "-"))
	return fl == nil || isBoolFlag(fl)
}

// source is how a message names where the flag's value came from: its
// environment variable when that set it, else --name.
func (f *cmdFlags) source(name string) string {
	if v, ok := f.fromEnv[name]; ok {
		return v
	}
	return "--" + name
}

// applyEnv sets each flag of fs named in vars from its environment
// variable (read through getenv, surrounding spaces trimmed) when the
// command line did not set it and the variable is not empty: the command
// line wins, then the environment, then the flag's default. It returns the
// flags it set, each with its variable. A value the flag refuses is an
// error naming the variable.
func applyEnv(fs *flag.FlagSet, vars map[string]string, getenv func(string) string) (map[string]string, error) {
	onLine := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { onLine[fl.Name] = true })
	names := make([]string, 0, len(vars))
	for name := range vars {
		names = append(names, name)
	}
	sort.Strings(names) // the same variable is reported first every run
	set := map[string]string{}
	for _, name := range names {
		v := strings.TrimSpace(getenv(vars[name]))
		if onLine[name] || v == "" {
			continue
		}
		if err := fs.Set(name, v); err != nil {
			if want := wantText(fs.Lookup(name)); want != "" {
				return nil, fmt.Errorf("%s must be %s, not %q", vars[name], want, v)
			}
			return nil, fmt.Errorf("%s=%q: %v", vars[name], v, err)
		}
		set[name] = vars[name]
	}
	return set, nil
}

// wantText says what kind of value the flag takes, for a message about a
// value it refused, or "" when its own error says it better.
func wantText(fl *flag.Flag) string {
	if isBoolFlag(fl) {
		return "true or false"
	}
	if g, ok := fl.Value.(flag.Getter); ok {
		switch g.Get().(type) {
		case int, int64, uint, uint64:
			return "a whole number"
		case float64:
			return "a number"
		case time.Duration:
			return "a duration such as 30s or 5m"
		}
	}
	return ""
}

// isBoolFlag reports whether fl is a flag given without a value (--dev).
func isBoolFlag(fl *flag.Flag) bool {
	b, ok := fl.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// envOr returns the environment variable key, or def when it is unset or
// blank: for settings that are not flags, such as check's folder argument.
func envOr(getenv func(string) string, key, def string) string {
	if v := strings.TrimSpace(getenv(key)); v != "" {
		return v
	}
	return def
}
