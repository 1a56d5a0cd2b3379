package config

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"text/template/parse"

	"github.com/mcp-operator/mcp-operator/internal/jsontemplate"
)

// stepRefs returns the step ids a template refers to as .steps.<id> (sorted,
// unique); nil when text is not a template or does not parse (reported elsewhere).
func stepRefs(text string) []string {
	if !strings.Contains(text, "{{") {
		return nil
	}
	t, err := jsontemplate.Parse("", text, TemplateFuncs)
	if err != nil {
		return nil
	}
	seen := map[string]bool{}
	var walk func(n parse.Node)
	walk = func(n parse.Node) {
		switch x := n.(type) {
		case *parse.ListNode:
			if x != nil {
				for _, c := range x.Nodes {
					walk(c)
				}
			}
		case *parse.ActionNode:
			walk(x.Pipe)
		case *parse.PipeNode:
			if x != nil {
				for _, c := range x.Cmds {
					walk(c)
				}
			}
		case *parse.CommandNode:
			for _, a := range x.Args {
				walk(a)
			}
		case *parse.FieldNode:
			if len(x.Ident) >= 2 && x.Ident[0] == "steps" {
				seen[x.Ident[1]] = true
			}
		case *parse.ChainNode:
			walk(x.Node)
		case *parse.IfNode:
			walkBranch(&x.BranchNode, walk)
		case *parse.RangeNode:
			walkBranch(&x.BranchNode, walk)
		case *parse.WithNode:
			walkBranch(&x.BranchNode, walk)
		}
	}
	walk(t.Tree.Root)
	out := make([]string, 0, len(seen))
	for id := range seen {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

func walkBranch(b *parse.BranchNode, walk func(parse.Node)) {
	walk(b.Pipe)
	walk(b.List)
	if b.ElseList != nil {
		walk(b.ElseList)
	}
}

// stepTemplates are the templates of a step, by field path.
func stepTemplates(path string, s WorkflowStep) map[string]string {
	out := map[string]string{path + ".condition": s.Condition, path + ".collection": s.Collection, path + ".message": s.Message}
	if s.Arguments != nil {
		var v any
		if json.Unmarshal(s.Arguments.Raw, &v) == nil {
			walkStrings(v, path+".arguments", func(at, text string) { out[at] = text })
		}
	}
	return out
}

// checkStepRefs reports templates that read .steps.<id> of a step that does not
// exist, or — in a step — of one that does not run before it (not among its
// dependsOn, directly or through other steps): that output would never be there.
// The workflow's output may read every step.
func checkStepRefs(p *problems, path string, t CompositeTool) {
	ids := map[string]bool{}
	deps := map[string][]string{}
	for _, s := range t.Steps {
		ids[s.ID] = true
		deps[s.ID] = s.DependsOn
	}
	for i, s := range t.Steps {
		before := ancestorsOf(s.ID, deps)
		tmpls := stepTemplates(fmt.Sprintf("%s.steps[%d]", path, i), s)
		for _, at := range sortedNames(tmpls) {
			for _, ref := range stepRefs(tmpls[at]) {
				switch {
				case !ids[ref]:
					p.add(at, "refers to step %q, which does not exist; use the id of a step of this workflow", ref)
				case !before[ref]:
					p.add(at, "refers to step %q, which does not run before step %q; add %q to its dependsOn", ref, s.ID, ref)
				}
			}
		}
	}
	if t.Output == nil {
		return
	}
	var v any
	if json.Unmarshal(t.Output.Raw, &v) != nil {
		return
	}
	walkStrings(v, path+".output", func(at, text string) {
		for _, ref := range stepRefs(text) {
			if !ids[ref] {
				p.add(at, "refers to step %q, which does not exist; use the id of a step of this workflow", ref)
			}
		}
	})
}

// ancestorsOf is every step id that runs before id (dependsOn, transitively;
// cycles and unknown ids are tolerated, they are reported elsewhere).
func ancestorsOf(id string, deps map[string][]string) map[string]bool {
	out := map[string]bool{}
	stack := append([]string{}, deps[id]...)
	for len(stack) > 0 {
		d := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if out[d] {
			continue
		}
		out[d] = true
		stack = append(stack, deps[d]...)
	}
	return out
}
