package main

import (
	"fmt"
	"io"

	"github.com/placard/placard/internal/campaign"
)

const checkSynopsis = `Check every organisation and campaign file in DIR (default: campaigns, or
PLACARD_CAMPAIGNS) and list every problem at once, each as

  path:line:col: message

Exit status: 0 when every file is valid (warnings allowed), 1 when there are
problems to fix, 2 when the command line is wrong.`

// check loads DIR and prints every problem, then a closing summary.
func check(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fset := newFlagSet("check [DIR]", checkSynopsis, stdout, stderr)
	if help, err := parseFlags(fset, args, stdout); help || err != nil {
		return err
	}
	if fset.NArg() > 1 {
		return usageErr("check", "check takes one folder, got %d: %q", fset.NArg(), fset.Args())
	}
	dir := envOr(getenv, "PLACARD_CAMPAIGNS", "campaigns")
	if fset.NArg() == 1 {
		dir = fset.Arg(0)
	}
	site, problems := campaign.Load(dir)
	printProblems(stderr, problems)
	errs, warns := len(problems.Errors()), len(problems.Warnings())
	if problems.HasErrors() {
		fmt.Fprintf(stderr, "%s: %s to fix", dir, countText(errs, "problem", "problems"))
		if warns > 0 {
			fmt.Fprintf(stderr, " and %s", countText(warns, "warning", "warnings"))
		}
		fmt.Fprintf(stderr, " in %s.\n", countText(countFiles(problems), "file", "files"))
		return reported(exitFailure)
	}
	orgs, camps := siteCounts(site)
	fmt.Fprintf(stdout, "%s: %s and %s checked, no problems", dir,
		countText(orgs, "organisation", "organisations"), countText(camps, "public campaign", "public campaigns"))
	if warns > 0 {
		fmt.Fprintf(stdout, " (%s)", countText(warns, "warning", "warnings"))
	}
	fmt.Fprintln(stdout, ".")
	return nil
}

// printProblems writes each problem on its own line as path:line:col: message.
func printProblems(w io.Writer, problems campaign.Problems) {
	for _, p := range problems {
		fmt.Fprintln(w, p.String())
	}
}

func countFiles(problems campaign.Problems) int {
	files := map[string]bool{}
	for _, p := range problems {
		files[p.File] = true
	}
	return len(files)
}

func countText(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
