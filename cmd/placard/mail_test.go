package main

import (
	"io"
	"strings"
	"testing"
)

// TestParseServeMail: --smtp, --mail-from, --mail-rate and
// --mail-connections (and their
// variables) are checked at start, with messages naming the flag and never
// the password.
func TestParseServeMail(t *testing.T) {
	c, _, err := parseServe(nil, env(map[string]string{
		"PLACARD_SMTP": "smtps://sam:hunter2@mail.example.org", "PLACARD_MAIL_FROM": "Riverside <hello@riverside.example>",
	}), io.Discard, io.Discard)
	if err != nil || c.mail == nil {
		t.Fatalf("parseServe: %v, mail %v", err, c.mail)
	}
	if c.mail.server.Port != 465 || c.mail.server.Password != "hunter2" || c.mail.from.Address != "hello@riverside.example" || c.mail.rate != 5 || c.mail.conns != 4 {
		t.Errorf("got %+v", c.mail)
	}
	if c, _, err := parseServe(nil, env(nil), io.Discard, io.Discard); err != nil || c.mail != nil {
		t.Errorf("without --smtp: mail %v, err %v; want none", c.mail, err)
	}
	for _, tc := range []struct {
		vars map[string]string
		args []string
		want string
	}{
		{nil, []string{"--smtp", "smtp://sam:hunter2@mail.example.org"}, "--smtp needs --mail-from"},
		{map[string]string{"PLACARD_SMTP": "imap://sam:hunter2@x"}, []string{"--mail-from", "a@b.example"}, "PLACARD_SMTP must start with smtp://"},
		{nil, []string{"--smtp", "smtp://sam:hunter2@mail.example.org", "--mail-from", "nobody"}, "--mail-from must be an address"},
		{nil, []string{"--smtp", "smtp://sam:hunter2@mail.example.org", "--mail-from", "a@b.example", "--mail-rate", "fast"}, "--mail-rate must be a number"},
		{nil, []string{"--smtp", "smtp://sam:hunter2@mail.example.org?tls=off", "--mail-from", "a@b.example"}, "only allowed for a relay on this machine"},
		{nil, []string{"--smtp", "smtp://sam:hunter2@mail.example.org", "--mail-from", "a@b.example", "--mail-connections", "0"}, "--mail-connections must be a number of connections from 1 to 100"},
		{map[string]string{"PLACARD_MAIL_CONNECTIONS": "lots"}, []string{"--smtp", "smtp://sam:hunter2@mail.example.org", "--mail-from", "a@b.example"}, "PLACARD_MAIL_CONNECTIONS must be a number"},
		{nil, []string{"--mail-from", "a@b.example"}, "--mail-from is only used with --smtp"},
	} {
		_, _, err := parseServe(tc.args, env(tc.vars), io.Discard, io.Discard)
		if exitCode(err) != exitUsage || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%v %q: exit %d, %v; want 2 and %q without the password", tc.vars, tc.args, exitCode(err), err, tc.want)
		}
	}
}
