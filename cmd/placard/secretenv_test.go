package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckSecretEnv: an org.yaml naming a variable of the server's that
// is not the organisation's own (PLACARD_ORG_QUIET_LEAGUE__…) is refused at
// its line and column with the fix, unless the operator lists it with
// --secret-env or PLACARD_SECRET_ENV; the list itself refuses Placard's own
// settings.
func TestCheckSecretEnv(t *testing.T) {
	dir := copyTestdata(t)
	org := filepath.Join(dir, "quiet-league", "org.yaml")
	f, err := os.OpenFile(org, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("osdi:\n  url: https://collector.example.net/s\n  api_key_env: AWS_SECRET_ACCESS_KEY\n" +
		"webhooks:\n  - url: https://crm.example.org/h\n    secret_env: PLACARD_ORG_QUIET_LEAGUE__HOOK\n    events: [signature.created]\n")
	f.Close()
	var stdout, stderr strings.Builder
	err = run(context.Background(), []string{"check", dir}, env(nil), &stdout, &stderr)
	want := org + ":6:16: 'api_key_env' names AWS_SECRET_ACCESS_KEY, which is not one of this organisation's variables, so placard serve will not read it — rename the variable to start with PLACARD_ORG_QUIET_LEAGUE__, such as PLACARD_ORG_QUIET_LEAGUE__AN_KEY (or the server's operator allows this name with placard serve --secret-env AWS_SECRET_ACCESS_KEY)"
	if exitCode(err) != 1 || !strings.Contains(stderr.String(), want) {
		t.Errorf("check: exit %d, stderr:\n%s\nwant the line\n%s", exitCode(err), stderr.String(), want)
	}
	for _, c := range []struct {
		args []string
		vars map[string]string
	}{
		{[]string{"check", "--secret-env", "AWS_SECRET_ACCESS_KEY", dir}, nil},
		{[]string{"check", dir}, map[string]string{"PLACARD_SECRET_ENV": "CRM_KEY, AWS_SECRET_ACCESS_KEY"}},
	} {
		stdout.Reset()
		stderr.Reset()
		if err := run(context.Background(), c.args, env(c.vars), &stdout, &stderr); err != nil {
			t.Errorf("%v %v: exit %d, stderr:\n%s", c.args, c.vars, exitCode(err), stderr.String())
		}
	}
	stderr.Reset()
	err = run(context.Background(), []string{"check", "--secret-env", "PLACARD_SMTP", dir}, env(nil), &stdout, &stderr)
	if exitCode(err) != 2 || !strings.Contains(stderr.String(), "PLACARD_SMTP is one of Placard's own settings") {
		t.Errorf("--secret-env PLACARD_SMTP: exit %d, stderr:\n%s", exitCode(err), stderr.String())
	}
}
