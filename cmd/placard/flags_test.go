package main

import (
	"context"
	"io"
	"slices"
	"strings"
	"testing"
)

// testFlags is a command with a string, a bool and an int flag, each with a
// variable, and one flag without.
func testFlags(stdout, stderr io.Writer) (f *cmdFlags, name *string, on *bool, n *int, plain *string) {
	f = newFlags("try", "try [flags] ARG...", "Tries things.", stdout, stderr)
	name = f.String("name", "dflt", "a `name`")
	f.env("name", "PLACARD_NAME")
	on = f.Bool("on", false, "turn it on")
	f.env("on", "PLACARD_ON")
	n = f.Int("n", 3, "a `count`")
	f.env("n", "PLACARD_N")
	plain = f.String("plain", "p", "no variable")
	return f, name, on, n, plain
}

// TestEnvOverlay: the command line wins, then the environment (spaces
// trimmed, blank is unset), then the default; source names where a value
// came from.
func TestEnvOverlay(t *testing.T) {
	vars := env(map[string]string{"PLACARD_NAME": " from-env ", "PLACARD_ON": "true", "PLACARD_N": "  ", "PLACARD_PLAIN": "ignored"})
	f, name, on, n, plain := testFlags(io.Discard, io.Discard)
	pos, help, err := f.parse([]string{"a", "--on=false", "b"}, vars)
	if err != nil || help {
		t.Fatalf("parse: help %v, err %v", help, err)
	}
	if !slices.Equal(pos, []string{"a", "b"}) {
		t.Errorf("arguments %q, want [a b]", pos)
	}
	if *name != "from-env" || *on || *n != 3 || *plain != "p" {
		t.Errorf("got name %q on %v n %d plain %q; want from-env (environment), false (command line), 3 (default), p (no variable)", *name, *on, *n, *plain)
	}
	for flag, want := range map[string]string{"name": "PLACARD_NAME", "on": "--on", "n": "--n"} {
		if got := f.source(flag); got != want {
			t.Errorf("source(%s) = %q, want %q", flag, got, want)
		}
	}
}

// TestEnvOverlayRefusesBadValues: a value a flag refuses is a usage error
// naming the variable and saying what it wants, unless the command line
// sets the flag.
func TestEnvOverlayRefusesBadValues(t *testing.T) {
	for _, tc := range []struct {
		vars map[string]string
		args []string
		want string // "" for no error
	}{
		{map[string]string{"PLACARD_ON": "maybe"}, nil, `PLACARD_ON must be true or false, not "maybe"`},
		{map[string]string{"PLACARD_N": "lots"}, nil, `PLACARD_N must be a whole number, not "lots"`},
		{map[string]string{"PLACARD_N": "lots"}, []string{"--n", "4"}, ""},
	} {
		f, _, _, _, _ := testFlags(io.Discard, io.Discard)
		_, _, err := f.parse(tc.args, env(tc.vars))
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%v %q: %v, want no error", tc.vars, tc.args, err)
		case tc.want != "" && (exitCode(err) != exitUsage || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%v %q: exit %d, %v; want exit 2 and %q", tc.vars, tc.args, exitCode(err), err, tc.want)
		}
	}
}

// TestFlagsParse: flags anywhere, "--" ends them (unless it is a flag's
// value), --help prints the usage naming each variable, and an unknown flag
// gets a did-you-mean.
func TestFlagsParse(t *testing.T) {
	f, name, _, n, _ := testFlags(io.Discard, io.Discard)
	pos, _, err := f.parse([]string{"--n", "5", "x", "--", "--name", "y"}, env(nil))
	if err != nil || !slices.Equal(pos, []string{"x", "--name", "y"}) || *n != 5 || *name != "dflt" {
		t.Errorf("after --: args %q, n %d, name %q, err %v; want [x --name y], 5, dflt", pos, *n, *name, err)
	}
	f, name, _, _, _ = testFlags(io.Discard, io.Discard)
	pos, _, err = f.parse([]string{"--name", "--", "x", "--n", "6"}, env(nil))
	if err != nil || !slices.Equal(pos, []string{"x"}) || *name != "--" {
		t.Errorf("-- as a value: args %q, name %q, err %v; want [x] and --", pos, *name, err)
	}

	var stdout strings.Builder
	f, _, _, _, _ = testFlags(&stdout, io.Discard)
	if _, help, err := f.parse([]string{"x", "--help"}, env(nil)); !help || err != nil {
		t.Errorf("--help: help %v, err %v; want true, nil", help, err)
	}
	for _, want := range []string{"Usage: placard try [flags] ARG...", "[PLACARD_NAME]", "[PLACARD_ON]", "[PLACARD_N]"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("--help lacks %q:\n%s", want, stdout.String())
		}
	}

	var stderr strings.Builder
	f, _, _, _, _ = testFlags(io.Discard, &stderr)
	if _, _, err := f.parse([]string{"--nmae", "x"}, env(nil)); exitCode(err) != exitUsage {
		t.Errorf("--nmae: exit %d, want 2", exitCode(err))
	}
	if want := `flag provided but not defined: -nmae; did you mean "--name"?`; !strings.Contains(stderr.String(), want) {
		t.Errorf("--nmae: stderr lacks %q:\n%s", want, stderr.String())
	}
}

// TestEveryCommandReadsTheEnvironment: the variables of commands other
// than serve work through the same overlay, and --help names them.
func TestEveryCommandReadsTheEnvironment(t *testing.T) {
	for cmd, vars := range map[string][]string{
		"build":             {"PLACARD_CAMPAIGNS", "PLACARD_BASE_URL", "PLACARD_API_ORIGIN"},
		"embed":             {"PLACARD_CAMPAIGNS", "PLACARD_BASE_URL"},
		"new":               {"PLACARD_CAMPAIGNS"},
		"stats":             {"PLACARD_DB"},
		"signatures export": {"PLACARD_DB"},
		"signatures purge":  {"PLACARD_CAMPAIGNS", "PLACARD_DB"},
	} {
		var stdout strings.Builder
		args := append(strings.Fields(cmd), "--help")
		if err := run(context.Background(), args, env(nil), &stdout, io.Discard); err != nil {
			t.Errorf("%s --help: %v", cmd, err)
		}
		for _, v := range vars {
			if !strings.Contains(stdout.String(), "["+v+"]") {
				t.Errorf("%s --help does not name %s", cmd, v)
			}
		}
	}
	// A bad value from the environment is refused naming the variable.
	var stderr strings.Builder
	err := run(context.Background(), []string{"build", t.TempDir()}, env(map[string]string{"PLACARD_API_ORIGIN": "https://api.example.org/path"}), io.Discard, &stderr)
	if exitCode(err) != exitUsage || !strings.Contains(stderr.String(), "PLACARD_API_ORIGIN must be a scheme and host only") {
		t.Errorf("build with a bad PLACARD_API_ORIGIN: exit %d, stderr %q; want 2 and the problem", exitCode(err), stderr.String())
	}
}

// TestDidYouMean: commands, subcommands and choices all go through suggest:
// a prefix, else a near spelling.
func TestDidYouMean(t *testing.T) {
	for _, tc := range []struct {
		word  string
		words []string
		want  string
	}{
		{"serv", commands, "serve"},
		{"sig", commands, "signatures"},
		{"chekc", commands, "check"},
		{"stast", commands, "stats"},
		{"zzz", commands, ""},
		{"s", commands, ""}, // one letter is too little to go on
		{"exprot", signaturesCommands, "export"},
		{"aprove", signaturesCommands, "approve"},
	} {
		if got := suggest(tc.word, tc.words); got != tc.want {
			t.Errorf("suggest(%q) = %q, want %q", tc.word, got, tc.want)
		}
	}
	// Each kind of near miss on a real command line.
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"chekc"}, `unknown command "chekc"; did you mean "check"?`},
		{[]string{"signatures", "aprove", "3"}, `did you mean "approve"?`},
		{[]string{"check", "--format", "jsn"}, `did you mean "json"?`},
		{[]string{"schema", "orgs"}, `did you mean "org"?`},
		{[]string{"build", "out", "--api-orgin", "x"}, `did you mean "--api-origin"?`},
		{[]string{"stats", "a/b", "--fromat", "json"}, `did you mean "--format"?`},
	} {
		var stderr strings.Builder
		err := run(context.Background(), tc.args, env(nil), io.Discard, &stderr)
		if exitCode(err) != exitUsage || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("%q: exit %d, stderr %q; want 2 and %q", tc.args, exitCode(err), stderr.String(), tc.want)
		}
	}
}

// TestParseServe: serve's parsing gives a checked config without starting
// anything; a flag replaces its variable's list, and a bad value names
// where it came from.
func TestParseServe(t *testing.T) {
	vars := env(map[string]string{
		"PLACARD_SITE_ORIGIN": "https://a.example, https://b.example/", "PLACARD_TRUSTED_PROXIES": "10.0.0.0/8",
		"PLACARD_CLIENT_IP_HEADER": " X-Real-IP ", "PLACARD_RATE_LIMIT": "0", "PLACARD_SECRET": "0123456789abcdef", "GOGC": "200",
	})
	c, help, err := parseServe([]string{"--site-origin", "https://c.example", "--dev"}, vars, io.Discard, io.Discard)
	if err != nil || help {
		t.Fatalf("parseServe: help %v, err %v", help, err)
	}
	if !slices.Equal(c.siteOrigins, []string{"https://c.example"}) {
		t.Errorf("site origins %q, want the command line's only", c.siteOrigins)
	}
	if len(c.trustedProxies) != 1 || c.trustedProxies[0].String() != "10.0.0.0/8" || c.clientIPHeader != "X-Real-IP" {
		t.Errorf("proxies %v header %q, want 10.0.0.0/8 and X-Real-IP", c.trustedProxies, c.clientIPHeader)
	}
	if c.rateLimit != 0 || !c.dev || string(c.secret) != "0123456789abcdef" || c.tuneGC || c.addr != "127.0.0.1:8080" {
		t.Errorf("got %+v; want no rate limit, dev, the secret, GOGC left alone, the default address", c)
	}
	for _, tc := range []struct {
		vars map[string]string
		args []string
		want string
	}{
		{map[string]string{"PLACARD_RATE_LIMIT": "-3"}, nil, "PLACARD_RATE_LIMIT must be 0 (no limit) or more"},
		{nil, []string{"--rate-limit", "-3"}, "--rate-limit must be 0 (no limit) or more"},
		{map[string]string{"PLACARD_LOG_LEVEL": "loud"}, nil, "PLACARD_LOG_LEVEL must be debug, info, warn or error"},
		{map[string]string{"PLACARD_DB": "ftp://x"}, nil, "PLACARD_DB \"ftp://x\": only postgres://"},
		{map[string]string{"PLACARD_TRUSTED_PROXIES": "10.0.0.0/8"}, nil, "PLACARD_TRUSTED_PROXIES is only used with --client-ip-header"},
	} {
		_, _, err := parseServe(tc.args, env(tc.vars), io.Discard, io.Discard)
		if exitCode(err) != exitUsage || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v %q: exit %d, %v; want 2 and %q", tc.vars, tc.args, exitCode(err), err, tc.want)
		}
	}
}

// TestServeDBMessagesHidePasswords: a refused --db or PLACARD_DB is quoted
// without its password, as the log and the signatures commands quote it.
func TestServeDBMessagesHidePasswords(t *testing.T) {
	for _, db := range []string{"mysql://sam:hunter2@db.example/placard", "postgres://sam:hunter2@/placard"} {
		_, _, err := parseServe([]string{"--db", db}, env(nil), io.Discard, io.Discard)
		if exitCode(err) != exitUsage || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("--db %s: exit %d, %v; want exit 2 without the password", db, exitCode(err), err)
		}
	}
}
