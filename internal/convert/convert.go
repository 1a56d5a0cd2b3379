package convert

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"
)

// Options say how to convert.
type Options struct {
	// Source names the input file in generated commands (e.g. jq reading a value from it).
	Source string
	// Namespace is written into every object's metadata when set.
	Namespace string
	// Group overrides the RunConfig's group / the vmcp config's groupRef.
	Group string
	// AsEntry converts a remote workload to an MCPServerEntry instead of an MCPRemoteProxy.
	AsEntry bool
	// WithGroup also emits the MCPGroup the output references.
	WithGroup bool
	// KeepStatic keeps a vmcp config's static backends inline instead of as MCPServerEntries.
	KeepStatic bool
	// Strict turns every dropped or changed field into an error.
	Strict bool
	// AllowLoopback admits loopback remote URLs (for a local control plane, like the
	// operator's --allow-loopback-endpoints).
	AllowLoopback bool
	// EnvFileValues maps an env var name to the env file it was read from (the files
	// the user passed with --env-file), so its value can be flagged.
	EnvFileValues map[string]string
}

// Result is the converted objects and what the user must know about them.
type Result struct {
	Objects []client.Object
	Report  Report
}

// Kind of input document.
type inputKind int

const (
	inputRunConfig inputKind = iota
	inputVMCPConfig
	inputManifests
)

// Convert detects what data is (RunConfig JSON, vmcp config file, or manifests) and
// converts it. Under opts.Strict a lossy conversion returns a *StrictError together
// with the result, so the caller can still show the report.
func Convert(data []byte, opts Options) (*Result, error) {
	kind, err := detect(data)
	if err != nil {
		return nil, err
	}
	var res *Result
	switch kind {
	case inputRunConfig:
		res, err = FromRunConfig(data, opts)
	case inputVMCPConfig:
		res, err = FromVMCPConfig(data, opts)
	default:
		res, err = FromManifests(data, opts)
	}
	if err != nil {
		return nil, err
	}
	if opts.Strict {
		if lossy := res.Report.Lossy(); len(lossy) > 0 {
			return res, &StrictError{Notes: lossy}
		}
	}
	return res, nil
}

// detect tells the input kinds apart by their top-level keys: manifests have
// apiVersion and kind; RunConfigs have snake_case keys the vmcp config never has.
func detect(data []byte) (inputKind, error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return 0, errors.New("input is empty")
	}
	first := trimmed
	if i := bytes.Index(trimmed, []byte("\n---")); i >= 0 && trimmed[0] != '{' {
		first = trimmed[:i]
	}
	var top map[string]json.RawMessage
	if err := yaml.Unmarshal(first, &top); err != nil {
		return 0, fmt.Errorf("input is neither JSON nor YAML: %w", err)
	}
	if _, ok := top["apiVersion"]; ok {
		return inputManifests, nil
	}
	if _, ok := top["kind"]; ok {
		return inputManifests, nil
	}
	for _, k := range []string{"schema_version", "image", "remote_url", "base_name", "container_name", "transport", "cmd_args", "env_vars"} {
		if _, ok := top[k]; ok {
			return inputRunConfig, nil
		}
	}
	for _, k := range []string{"backends", "groupRef", "aggregation", "incomingAuth", "outgoingAuth", "operational", "compositeTools", "name"} {
		if _, ok := top[k]; ok {
			return inputVMCPConfig, nil
		}
	}
	return 0, errors.New("input is not a RunConfig (no image, remote_url or transport), a vmcp config (no backends or groupRef) or a manifest (no apiVersion/kind)")
}

// Merge joins the results of several inputs (e.g. the backends of one group and its
// VirtualMCPServer). An object that several inputs produce is kept once: the first
// MCPGroup of a name wins (they differ only in description); two different objects
// of another kind and the same name are an error.
func Merge(results ...*Result) (*Result, error) {
	out := &Result{}
	seen := map[string]string{}
	for _, r := range results {
		for _, o := range r.Objects {
			key := o.GetObjectKind().GroupVersionKind().Kind + "/" + o.GetNamespace() + "/" + o.GetName()
			y, err := YAML([]client.Object{o})
			if err != nil {
				return nil, err
			}
			if prev, ok := seen[key]; ok {
				kind := o.GetObjectKind().GroupVersionKind().Kind
				if prev != string(y) && kind != "MCPGroup" {
					return nil, fmt.Errorf("two inputs produce different %s", key)
				}
				if prev != string(y) {
					out.Report.info(key, "produced by several inputs; the first is kept")
				}
				continue
			}
			seen[key] = string(y)
			out.Objects = append(out.Objects, o)
		}
		out.Report.Notes = append(out.Report.Notes, r.Report.Notes...)
		for _, c := range r.Report.Commands {
			out.Report.command(c)
		}
	}
	return out, nil
}
