package targets

import (
	"fmt"
	"slices"
	"strings"

	"github.com/placard/placard/internal/spell"
	"go.yaml.in/yaml/v4"
)

// ParseYAML reads a targets file written as YAML: a list of decision-makers,
// each a group of the same settings a CSV file has as columns (phone and
// languages may be lists). Aliases are refused, so a small file cannot
// expand into a large one.
func ParseYAML(src []byte) ([]Target, []Problem) {
	if len(src) > maxFileSize {
		return nil, []Problem{{Message: fmt.Sprintf("this file is larger than %d MB — split it", maxFileSize>>20)}}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, []Problem{{Line: 1, Col: 1, Message: "this file is not valid YAML: " + err.Error()}}
	}
	if len(doc.Content) == 0 {
		return nil, []Problem{{Line: 1, Col: 1, Message: "this targets file is empty — write a list of decision-makers, each starting with '- name:'"}}
	}
	list := doc.Content[0]
	if list.Kind != yaml.SequenceNode {
		return nil, []Problem{{Line: list.Line, Col: list.Column, Message: "a targets file must be a list of decision-makers, each starting with '- name:'"}}
	}
	if len(list.Content) > MaxTargets {
		return nil, []Problem{{Line: list.Line, Col: list.Column, Message: fmt.Sprintf("a targets file may hold at most %d targets — split it into several files", MaxTargets)}}
	}
	var probs []Problem
	var out []Target
	idCol := map[int]int{}
	for _, item := range list.Content {
		if item.Kind != yaml.MappingNode {
			probs = append(probs, Problem{Line: item.Line, Col: item.Column, Message: "each target must be a group of settings (" + strings.Join(Columns, ", ") + ")"})
			continue
		}
		cells := map[string]cell{}
		t := Target{Line: item.Line}
		idCol[item.Line] = item.Column
		ok := true
		for i := 0; i+1 < len(item.Content); i += 2 {
			k, v := item.Content[i], item.Content[i+1]
			name := normColumn(k.Value)
			if a, found := aliases[name]; found {
				name = a
			}
			if !slices.Contains(Columns, name) {
				msg := fmt.Sprintf("a target has no setting %q", k.Value)
				if s := spell.Closest(name, Columns); s != "" {
					msg += fmt.Sprintf(" — did you mean %q?", s)
				} else {
					msg += " — its settings are " + strings.Join(Columns, ", ")
				}
				probs = append(probs, Problem{Line: k.Line, Col: k.Column, Message: msg})
				continue
			}
			var val string
			switch {
			case v.Kind == yaml.ScalarNode:
				val = v.Value
			case v.Kind == yaml.SequenceNode && (name == "phone" || name == "languages"):
				var parts []string
				for _, c := range v.Content {
					if c.Kind != yaml.ScalarNode {
						probs = append(probs, Problem{Line: c.Line, Col: c.Column, Message: fmt.Sprintf("each of '%s' must be text", name)})
						ok = false
						continue
					}
					parts = append(parts, strings.ReplaceAll(c.Value, ";", ","))
				}
				val = strings.Join(parts, ";")
			default:
				probs = append(probs, Problem{Line: v.Line, Col: v.Column, Message: fmt.Sprintf("'%s' must be text", name)})
				ok = false
				continue
			}
			// Columns become the value's own column, so messages point at it.
			cells[name] = cell{strings.TrimSpace(val), v.Line, v.Column}
		}
		if !ok {
			continue
		}
		probs = fill(&t, cells, item.Line, probs)
		out = append(out, t)
	}
	return out, append(probs, duplicates(out, func(t Target) (int, int) { return t.Line, idCol[t.Line] })...)
}
