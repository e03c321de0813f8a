package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/placard/placard/internal/schema"
)

const schemaSynopsis = `Print the JSON Schema (draft-07) of org.yaml (org) or of a campaign file
(campaign), for editors with a YAML language server. Save it next to your
campaigns, where the first line of each file written by 'placard new' looks:

  placard schema org > campaigns/org.schema.json
  placard schema campaign > campaigns/campaign.schema.json

With --markdown, print the configuration reference (docs/config.md) instead.`

// schemaCmd is `placard schema [--markdown] org|campaign`: it writes the
// schema generated from the campaign types to stdout, so editors check files
// against exactly what the loader reads.
func schemaCmd(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlags("schema", "schema [--markdown] org|campaign", schemaSynopsis, stdout, stderr)
	markdown := fs.Bool("markdown", false, "print the configuration reference in Markdown instead of a schema")
	pos, help, err := fs.parse(args, getenv)
	if help || err != nil {
		return err
	}
	if *markdown {
		if len(pos) > 0 {
			return usageErr("schema", "--markdown prints the whole reference and takes no file type, got %q", pos[0])
		}
		_, err := io.WriteString(stdout, schema.Markdown())
		return err
	}
	if len(pos) != 1 {
		return usageErr("schema", "say which schema to print: placard schema org or placard schema campaign")
	}
	var s map[string]any
	switch pos[0] {
	case "org":
		s = schema.Org()
	case "campaign":
		s = schema.Campaign()
	default:
		return usageErr("schema", "unknown file type %q: use org or campaign%s", pos[0], didYouMean(pos[0], []string{"org", "campaign"}))
	}
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("writing the schema: %w", err)
	}
	_, err = fmt.Fprintf(stdout, "%s\n", b)
	return err
}
