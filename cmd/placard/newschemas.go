package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"

	"github.com/placard/placard/internal/schema"
)

// writeSchemas writes the editor schemas a scaffold's first line points to
// ($schema=../org.schema.json from an organisation's folder) into the
// campaigns folder dir, replacing them when they are out of date: they are
// made from Placard's own settings, never edited by hand.
func writeSchemas(dir string) error {
	for name, s := range map[string]map[string]any{
		"org.schema.json":      schema.Org(),
		"campaign.schema.json": schema.Campaign(),
	} {
		b, err := json.MarshalIndent(s, "", "  ")
		if err != nil {
			return failure("writing the editor schema: %v", err)
		}
		b = append(b, '\n')
		file := filepath.Join(dir, name)
		if old, err := os.ReadFile(file); err == nil && bytes.Equal(old, b) {
			continue
		}
		if err := os.WriteFile(file, b, 0o644); err != nil {
			return failure("cannot write the editor schema %s: %v", file, err)
		}
	}
	return nil
}

// shellQuote writes a path so it can be pasted into a shell as one word:
// as it is when it holds only safe characters, else in single quotes.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:@%+=,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
