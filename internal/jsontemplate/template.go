package jsontemplate

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"text/template/parse"
)

// Func is a function callable from a template. Its arguments are the evaluated
// arguments of the call, the piped value last.
type Func func(args ...any) (any, error)

// Funcs names the caller's functions.
type Funcs map[string]Func

// Bounds of one execution (see the package doc).
const (
	maxOutput = 8 << 20
	maxSteps  = 1_000_000
	maxDepth  = 100
)

// Template is a parsed template and the templates it defines.
type Template struct {
	// Tree is the parse tree of the template itself, for callers that inspect it.
	Tree  *parse.Tree
	trees map[string]*parse.Tree
	funcs Funcs
}

// Parse parses text. Identifiers must name a builtin or one of funcs, so an
// unknown function is a parse error.
func Parse(name, text string, funcs Funcs) (*Template, error) {
	known := make(map[string]any, len(builtins)+len(funcs)+2)
	known["and"], known["or"] = true, true
	for n := range builtins {
		known[n] = true
	}
	for n := range funcs {
		known[n] = true
	}
	trees, err := parse.Parse(name, text, "", "", known)
	if err != nil {
		return nil, err
	}
	tree := trees[name]
	if tree == nil { // text held only {{define}}s
		tree = &parse.Tree{Name: name, Root: &parse.ListNode{}}
	}
	return &Template{Tree: tree, trees: trees, funcs: maps.Clone(funcs)}, nil
}

// Execute writes the template applied to data to w.
func (t *Template) Execute(w io.Writer, data any) error {
	s := &state{t: t, w: &boundedWriter{w: w}, tree: t.Tree, vars: []variable{{"$", data}}}
	err := s.walk(data, t.Tree.Root)
	if errors.Is(err, errBreak) || errors.Is(err, errContinue) {
		return nil // the parser allows them only inside range
	}
	return err
}

// errBreak and errContinue unwind a range body to its loop.
var (
	errBreak    = errors.New("break")
	errContinue = errors.New("continue")
)

// boundedWriter fails once more than maxOutput bytes were written.
type boundedWriter struct {
	w io.Writer
	n int
}

func (b *boundedWriter) Write(p []byte) (int, error) {
	if b.n += len(p); b.n > maxOutput {
		return 0, fmt.Errorf("output is longer than %d bytes", maxOutput)
	}
	return b.w.Write(p)
}

type variable struct {
	name  string
	value any
}

// state is one execution: the variables in scope and the budgets spent.
type state struct {
	t     *Template
	w     *boundedWriter
	tree  *parse.Tree
	vars  []variable
	steps int
	depth int
}

// errorf wraps err with where in the template it happened.
func (s *state) errorf(n parse.Node, err error) error {
	var located *execError
	if errors.As(err, &located) {
		return err
	}
	loc, _ := s.tree.ErrorContext(n)
	return &execError{msg: fmt.Sprintf("template: %s: executing %q at <%s>: %v", loc, s.tree.Name, n, err), err: err}
}

// execError is an error that already says where it happened.
type execError struct {
	msg string
	err error
}

func (e *execError) Error() string { return e.msg }
func (e *execError) Unwrap() error { return e.err }

func (s *state) walk(dot any, node parse.Node) error {
	switch n := node.(type) {
	case *parse.ListNode:
		for _, c := range n.Nodes {
			if err := s.walk(dot, c); err != nil {
				return err
			}
		}
		return nil
	case *parse.TextNode:
		_, err := s.w.Write(n.Text)
		return err
	case *parse.CommentNode:
		return nil
	case *parse.ActionNode:
		v, err := s.pipe(dot, n.Pipe)
		if err != nil {
			return err
		}
		if len(n.Pipe.Decl) > 0 {
			return nil // a declaration prints nothing
		}
		if err := printValue(s.w, v); err != nil {
			return s.errorf(n, err)
		}
		return nil
	case *parse.IfNode:
		return s.branch(dot, n.Pipe, n.List, n.ElseList, false)
	case *parse.WithNode:
		return s.branch(dot, n.Pipe, n.List, n.ElseList, true)
	case *parse.RangeNode:
		return s.rangeOver(dot, n)
	case *parse.TemplateNode:
		return s.call(dot, n)
	case *parse.BreakNode:
		return errBreak
	case *parse.ContinueNode:
		return errContinue
	}
	return s.errorf(node, fmt.Errorf("unknown node %s", node))
}

// branch runs if and with: list when the pipeline is true (with: as its dot),
// else the else list. Variables declared inside do not outlive it.
func (s *state) branch(dot any, pipe *parse.PipeNode, list, elseList *parse.ListNode, with bool) error {
	mark := len(s.vars)
	defer func() { s.vars = s.vars[:mark] }()
	v, err := s.pipe(dot, pipe)
	if err != nil {
		return err
	}
	if truth(v) {
		if with {
			dot = v
		}
		return s.walk(dot, list)
	}
	if elseList != nil {
		return s.walk(dot, elseList)
	}
	return nil
}

func (s *state) rangeOver(dot any, n *parse.RangeNode) error {
	mark := len(s.vars)
	defer func() { s.vars = s.vars[:mark] }()
	v, err := s.pipe(dot, n.Pipe)
	if err != nil {
		return err
	}
	keys, elems, err := rangeItems(v)
	if err != nil {
		return s.errorf(n, err)
	}
	for i, e := range elems {
		if s.steps++; s.steps > maxSteps {
			return s.errorf(n, fmt.Errorf("more than %d range iterations", maxSteps))
		}
		s.vars = s.vars[:mark]
		switch len(n.Pipe.Decl) {
		case 1:
			s.vars = append(s.vars, variable{n.Pipe.Decl[0].Ident[0], e})
		case 2:
			s.vars = append(s.vars, variable{n.Pipe.Decl[0].Ident[0], keys[i]}, variable{n.Pipe.Decl[1].Ident[0], e})
		}
		err := s.walk(e, n.List)
		if errors.Is(err, errBreak) {
			return nil
		}
		if err != nil && !errors.Is(err, errContinue) {
			return err
		}
	}
	if len(elems) == 0 && n.ElseList != nil {
		return s.walk(dot, n.ElseList)
	}
	return nil
}

// call runs {{template "name" pipeline}} with its own variables.
func (s *state) call(dot any, n *parse.TemplateNode) error {
	tree := s.t.trees[n.Name]
	if tree == nil {
		return s.errorf(n, fmt.Errorf("no such template %q", n.Name))
	}
	if s.depth >= maxDepth {
		return s.errorf(n, fmt.Errorf("templates nested deeper than %d", maxDepth))
	}
	if n.Pipe != nil {
		v, err := s.pipe(dot, n.Pipe)
		if err != nil {
			return err
		}
		dot = v
	} else {
		dot = nil
	}
	inner := &state{t: s.t, w: s.w, tree: tree, vars: []variable{{"$", dot}}, steps: s.steps, depth: s.depth + 1}
	err := inner.walk(dot, tree.Root)
	s.steps = inner.steps
	return err
}

// pipe evaluates a pipeline, each command's value passed as the last argument
// of the next, and declares or assigns its variables.
func (s *state) pipe(dot any, p *parse.PipeNode) (any, error) {
	if p == nil {
		return nil, nil
	}
	var v any
	for i, c := range p.Cmds {
		var final any = missing
		if i > 0 {
			final = v
		}
		var err error
		if v, err = s.command(dot, c, final); err != nil {
			return nil, err
		}
	}
	for _, d := range p.Decl {
		if p.IsAssign {
			if err := s.assign(d.Ident[0], v); err != nil {
				return nil, s.errorf(d, err)
			}
		} else {
			s.vars = append(s.vars, variable{d.Ident[0], v})
		}
	}
	return v, nil
}

func (s *state) assign(name string, v any) error {
	for i := len(s.vars) - 1; i >= 0; i-- {
		if s.vars[i].name == name {
			s.vars[i].value = v
			return nil
		}
	}
	return fmt.Errorf("undefined variable %s", name)
}

func (s *state) lookup(name string) (any, error) {
	for i := len(s.vars) - 1; i >= 0; i-- {
		if s.vars[i].name == name {
			return s.vars[i].value, nil
		}
	}
	return nil, fmt.Errorf("undefined variable %s", name)
}

// missing marks "no piped value" (nil is a value: JSON null).
var missing = &struct{ byte }{}

// command evaluates one command of a pipeline; final is the piped value or missing.
func (s *state) command(dot any, c *parse.CommandNode, final any) (any, error) {
	first := c.Args[0]
	if id, ok := first.(*parse.IdentifierNode); ok {
		return s.callFunc(dot, id, c.Args[1:], final)
	}
	if len(c.Args) > 1 || final != missing {
		return nil, s.errorf(first, fmt.Errorf("%s is not a function and takes no arguments", first))
	}
	switch n := first.(type) {
	case *parse.NilNode:
		return nil, s.errorf(n, errors.New("nil is not a command"))
	}
	return s.arg(dot, first)
}

// arg evaluates one operand: a constant, a field chain, a variable or a
// parenthesized pipeline.
func (s *state) arg(dot any, node parse.Node) (any, error) {
	switch n := node.(type) {
	case *parse.DotNode:
		return dot, nil
	case *parse.NilNode:
		return nil, nil
	case *parse.BoolNode:
		return n.True, nil
	case *parse.StringNode:
		return n.Text, nil
	case *parse.NumberNode:
		return number(n)
	case *parse.FieldNode:
		return s.fields(n, dot, n.Ident)
	case *parse.VariableNode:
		v, err := s.lookup(n.Ident[0])
		if err != nil {
			return nil, s.errorf(n, err)
		}
		return s.fields(n, v, n.Ident[1:])
	case *parse.ChainNode:
		v, err := s.arg(dot, n.Node)
		if err != nil {
			return nil, err
		}
		return s.fields(n, v, n.Field)
	case *parse.PipeNode:
		mark := len(s.vars)
		defer func() { s.vars = s.vars[:mark] }()
		return s.pipe(dot, n)
	case *parse.IdentifierNode:
		return s.callFunc(dot, n, nil, missing)
	}
	return nil, s.errorf(node, fmt.Errorf("can't evaluate %s", node))
}

// number is a numeric constant: an int when it is one, else a float64.
func number(n *parse.NumberNode) (any, error) {
	switch {
	case n.IsInt:
		return int(n.Int64), nil
	case n.IsFloat:
		return n.Float64, nil
	}
	return nil, fmt.Errorf("%s is not an integer or a float", n.Text)
}

// fields reads the chain of map keys names from v.
func (s *state) fields(n parse.Node, v any, names []string) (any, error) {
	for _, name := range names {
		m, ok := v.(map[string]any)
		if !ok {
			if v == nil {
				return nil, s.errorf(n, fmt.Errorf("can't read field %s of null", name))
			}
			return nil, s.errorf(n, fmt.Errorf("can't read field %s of %s (not an object)", name, kind(v)))
		}
		if v, ok = m[name]; !ok {
			return nil, s.errorf(n, fmt.Errorf("map has no entry for key %q", name))
		}
	}
	return v, nil
}

// callFunc calls a builtin or one of the caller's functions.
func (s *state) callFunc(dot any, id *parse.IdentifierNode, args []parse.Node, final any) (any, error) {
	if id.Ident == "and" || id.Ident == "or" {
		return s.andOr(dot, id, args, final)
	}
	vals := make([]any, 0, len(args)+1)
	for _, a := range args {
		v, err := s.arg(dot, a)
		if err != nil {
			return nil, err
		}
		vals = append(vals, v)
	}
	if final != missing {
		vals = append(vals, final)
	}
	f := s.t.funcs[id.Ident]
	if f == nil {
		f = builtins[id.Ident]
	}
	if f == nil {
		return nil, s.errorf(id, fmt.Errorf("function %q not defined", id.Ident))
	}
	v, err := f(vals...)
	if err != nil {
		return nil, s.errorf(id, fmt.Errorf("error calling %s: %w", id.Ident, err))
	}
	return v, nil
}

// Unary makes a Func of one argument from f; another number of arguments is an
// error naming the function.
func Unary(name string, f func(v any) (any, error)) Func {
	return func(args ...any) (any, error) {
		if len(args) != 1 {
			return nil, fmt.Errorf("%s takes 1 argument, got %d", name, len(args))
		}
		return f(args[0])
	}
}
