package schema

import (
	"fmt"
	"slices"
	"strings"

	"github.com/placard/placard/internal/i18n"
)

// stringsSection writes the section of docs/config.md that lists every
// name org.yaml's strings: may give its own wording for, with Placard's
// English wording, so an organiser never has to guess a name (check
// suggests the nearest one to a misspelt name and points here).
func stringsSection(b *strings.Builder) {
	b.WriteString("## Wording (`strings` in org.yaml)\n\n")
	b.WriteString("Every name `strings:` accepts, with Placard's English wording. Write your own per language: ")
	b.WriteString("`strings: {en: {sign.submit.petition: Add my name}}`. Words in braces are filled in by Placard; keep them. ")
	b.WriteString("A name ending in `.none`, `.zero`, `.one`, `.two`, `.few`, `.many` or `.other` is one form of a counted text: ")
	b.WriteString("English uses `.one` and `.other` (and `.none` for nothing yet); Arabic all six. See section 11 of the organiser's guide.\n\n")
	b.WriteString("| Name | Placard's English wording |\n|---|---|\n")
	keys := i18n.Keys()
	slices.Sort(keys)
	en := i18n.English()
	for _, k := range keys {
		fmt.Fprintf(b, "| `%s` | %s |\n", k, cell(strings.ReplaceAll(en.T(k), "\n", " ")))
	}
	b.WriteString("\n")
}
