package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/mcp-operator/mcp-operator/internal/convert"
)

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func runConvert(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("convert", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var files stringList
	fs.Var(&files, "f", "input: RunConfig JSON, vmcp config file, or manifests (- for stdin); repeat to convert several into one output")
	var o convert.Options
	fs.StringVar(&o.Namespace, "n", "", "namespace written into the objects")
	fs.StringVar(&o.Namespace, "namespace", "", "same as -n")
	fs.StringVar(&o.Group, "group", "", "MCPGroup the workload joins (overrides the input's group)")
	outDir := fs.String("o", "", "write one file per object into this directory instead of stdout")
	fs.BoolVar(&o.AsEntry, "as-entry", false, "convert a remote workload to an MCPServerEntry instead of an MCPRemoteProxy")
	fs.BoolVar(&o.WithGroup, "with-group", false, "also write the MCPGroup the workload references")
	fs.BoolVar(&o.KeepStatic, "keep-static", false, "keep a vmcp config's static backends inline instead of as MCPServerEntries")
	fs.BoolVar(&o.Strict, "strict", false, "fail when any field would be dropped or changed")
	fs.BoolVar(&o.AllowLoopback, "allow-loopback", false, "accept loopback remote URLs (local control planes only)")
	var envFiles stringList
	fs.Var(&envFiles, "env-file", "env file the workload was started with (repeatable); its values are flagged")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if len(files) == 0 || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "convert: -f FILE is required (and takes no other arguments)")
		fs.Usage()
		return 2
	}
	var err error
	if o.EnvFileValues, err = readEnvFiles(envFiles); err != nil {
		fmt.Fprintln(stderr, "convert:", err)
		return 1
	}
	var results []*convert.Result
	for _, file := range files {
		r, code := convertOne(file, o, stderr)
		if code != 0 {
			return code
		}
		results = append(results, r)
	}
	res, err := convert.Merge(results...)
	if err != nil {
		fmt.Fprintln(stderr, "convert:", err)
		return 1
	}
	printReport(stderr, &res.Report)
	if *outDir != "" {
		files, err := convert.WriteDir(*outDir, res.Objects)
		if err != nil {
			fmt.Fprintln(stderr, "convert:", err)
			return 1
		}
		for _, f := range files {
			fmt.Fprintln(stdout, f)
		}
		return 0
	}
	y, err := convert.YAML(res.Objects)
	if err != nil {
		fmt.Fprintln(stderr, "convert:", err)
		return 1
	}
	_, _ = stdout.Write(y)
	return 0
}

// convertOne converts one input file; a strict failure prints its notes.
func convertOne(file string, o convert.Options, stderr io.Writer) (*convert.Result, int) {
	data, err := readInput(file)
	if err != nil {
		fmt.Fprintln(stderr, "convert:", err)
		return nil, 1
	}
	o.Source = file
	res, err := convert.Convert(data, o)
	var strict *convert.StrictError
	if errors.As(err, &strict) {
		printReport(stderr, &res.Report)
		fmt.Fprintf(stderr, "convert: %s: %v\n", file, err)
		return nil, 1
	}
	if err != nil {
		fmt.Fprintf(stderr, "convert: %s: %v\n", file, err)
		return nil, 1
	}
	return res, 0
}

func readInput(path string) ([]byte, error) {
	if path == "-" {
		return io.ReadAll(os.Stdin)
	}
	return os.ReadFile(path)
}

// printReport writes the notes and commands; `#` lines stay harmless if stderr and
// stdout end up in one file.
func printReport(w io.Writer, r *convert.Report) {
	for _, n := range r.Notes {
		fmt.Fprintln(w, "# "+n.String())
	}
	if len(r.Commands) > 0 {
		fmt.Fprintln(w, "# Create these Secrets (and ConfigMaps) before applying (values are read from your CLI setup, never written to the manifests):")
		for _, c := range r.Commands {
			fmt.Fprintln(w, c)
		}
	}
}

// readEnvFiles maps each variable of the given env files (KEY=VALUE lines, # comments,
// optional `export `) to the file's name.
func readEnvFiles(paths []string) (map[string]string, error) {
	out := map[string]string{}
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, fmt.Errorf("reading env file: %w", err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			line = strings.TrimPrefix(line, "export ")
			if k, _, ok := strings.Cut(line, "="); ok {
				out[strings.TrimSpace(k)] = filepath.Base(p)
			}
		}
		f.Close()
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("reading %s: %w", p, err)
		}
	}
	return out, nil
}
