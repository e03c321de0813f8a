package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/placard/placard/internal/campaign"
)

const checkSynopsis = `Check every organisation and campaign file in DIR (default: campaigns, or
PLACARD_CAMPAIGNS) and list every problem at once, each as

  path:line:col: message

With --format json, stdout gets one JSON array instead (empty when all is
well) and nothing else, for CI and editors. Each element is

  {"file": "campaigns/riverside/org.yaml", "line": 11, "column": 12,
   "severity": "error", "message": "..."}

where severity is "error" or "warning", and line and column are 0 for a
problem that concerns a whole file. These field names are stable.

Exit status: 0 when every file is valid (warnings allowed), 1 when there are
problems to fix, 2 when the command line is wrong — the same for both formats.`

// check loads DIR and prints every problem, then a closing summary.
func check(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fset := newFlags("check", "check [--format text|json] [DIR]", checkSynopsis, stdout, stderr)
	format := fset.String("format", "text", "output `format`: text (lines on stderr) or json (an array on stdout)")
	secretEnv := fset.secretEnvFlag() // secretenv.go
	pos, help, err := fset.parse(args, getenv)
	if help || err != nil {
		return err
	}
	if len(pos) > 1 {
		return usageErr("check", "check takes one folder, got %d: %q", len(pos), pos)
	}
	dir := envOr(getenv, "PLACARD_CAMPAIGNS", "campaigns")
	if len(pos) == 1 {
		dir = pos[0]
	}
	if *format != "text" && *format != "json" {
		return usageErr("check", "--format must be text or json, got %q%s", *format, didYouMean(*format, []string{"text", "json"}))
	}
	opts, err := loadOptions(fset, *secretEnv)
	if err != nil {
		return err
	}
	site, problems := campaign.LoadWith(dir, opts)
	if *format == "json" {
		if err := writeJSONProblems(stdout, problems); err != nil {
			return failure("writing the JSON report: %v", err)
		}
		if problems.HasErrors() {
			return reported(exitFailure)
		}
		return nil
	}
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

// jsonProblem is one element of check --format json. Its field names are a
// stable contract for CI scripts and editor plugins: add fields, never rename.
type jsonProblem struct {
	File     string `json:"file"`
	Line     int    `json:"line"`
	Column   int    `json:"column"`
	Severity string `json:"severity"` // "error" or "warning"
	Message  string `json:"message"`
}

// writeJSONProblems writes problems as one JSON array (never null), one
// element per line so a diff of two reports stays readable.
func writeJSONProblems(w io.Writer, problems campaign.Problems) error {
	out := make([]jsonProblem, 0, len(problems))
	for _, p := range problems {
		sev := "error"
		if p.Warning {
			sev = "warning"
		}
		out = append(out, jsonProblem{File: p.File, Line: p.Line, Column: p.Col, Severity: sev, Message: p.Message})
	}
	data, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", data)
	return err
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
