package convert

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/strictyaml"
)

const apiGroup = "toolhive.stacklok.dev"

// FromManifests rewrites manifests written for an older version into the current
// form: every object of this API group gets APIVersion, and the kinds with legacy
// forms go through the operator's own Normalize (string groupRef, port/targetPort,
// spec.config.groupRef, top-level aggregation/operational). Other objects pass
// through unchanged. Each legacy form is a Changed note.
func FromManifests(data []byte, opts Options) (*Result, error) {
	res := &Result{}
	r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	for i := 0; ; i++ {
		doc, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("reading document %d: %w", i, err)
		}
		if len(bytes.TrimSpace(stripComments(doc))) == 0 {
			continue
		}
		obj, err := convertManifest(doc, opts, &res.Report)
		if err != nil {
			return nil, fmt.Errorf("document %d: %w", i, err)
		}
		res.Objects = append(res.Objects, obj)
	}
	return res, nil
}

func stripComments(doc []byte) []byte {
	var out []string
	for _, l := range strings.Split(string(doc), "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "#") {
			out = append(out, l)
		}
	}
	return []byte(strings.Join(out, "\n"))
}

// convertManifest normalises one document.
func convertManifest(doc []byte, opts Options, rep *Report) (client.Object, error) {
	u := &unstructured.Unstructured{}
	if err := yaml.Unmarshal(doc, &u.Object); err != nil {
		return nil, fmt.Errorf("not a YAML object: %w", err)
	}
	gv := strings.SplitN(u.GetAPIVersion(), "/", 2)
	if len(gv) != 2 || gv[0] != apiGroup {
		return u, nil
	}
	if opts.Namespace != "" && u.GetNamespace() == "" {
		u.SetNamespace(opts.Namespace)
	}
	field := fmt.Sprintf("%s/%s", u.GetKind(), u.GetName())
	if u.GetAPIVersion() != APIVersion {
		rep.info(field, "apiVersion %s becomes %s (same schema)", u.GetAPIVersion(), APIVersion)
	}
	u.SetAPIVersion(APIVersion)
	typed, err := normalizeKind(u, rep, field)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", field, err)
	}
	if typed == nil {
		return u, nil
	}
	return typed, nil
}

// The plain types have the API types' fields without their methods: the API kinds
// decode tolerantly (an out-of-range value is dropped so one bad object cannot stop
// the manager's cache), which would also let an unknown field through a strict decode.
type (
	plainMCPServer        v1alpha1.MCPServer
	plainMCPRemoteProxy   v1alpha1.MCPRemoteProxy
	plainVirtualMCPServer v1alpha1.VirtualMCPServer
)

// normalizeKind decodes the kinds that have legacy forms strictly (an unknown
// field is an error naming it, never silently lost) and normalises them.
func normalizeKind(u *unstructured.Unstructured, rep *Report, field string) (client.Object, error) {
	b, err := u.MarshalJSON()
	if err != nil {
		return nil, err
	}
	note := func(ws []string) {
		for _, w := range ws {
			rep.changed(field, "%s", w)
		}
	}
	switch u.GetKind() {
	case "MCPServer":
		var o v1alpha1.MCPServer
		if err := strictyaml.Unmarshal(b, (*plainMCPServer)(&o)); err != nil {
			return nil, err
		}
		spec, ws := o.Normalize()
		note(ws)
		return &v1beta1.MCPServer{TypeMeta: typeMeta("MCPServer"), ObjectMeta: o.ObjectMeta, Spec: spec}, nil
	case "MCPRemoteProxy":
		var o v1alpha1.MCPRemoteProxy
		if err := strictyaml.Unmarshal(b, (*plainMCPRemoteProxy)(&o)); err != nil {
			return nil, err
		}
		spec, ws := o.Normalize()
		note(ws)
		return &v1beta1.MCPRemoteProxy{TypeMeta: typeMeta("MCPRemoteProxy"), ObjectMeta: o.ObjectMeta, Spec: spec}, nil
	case "MCPServerEntry":
		var o v1alpha1.MCPServerEntry
		if err := strictyaml.Unmarshal(b, &o); err != nil {
			return nil, err
		}
		spec, ws := o.Normalize()
		note(ws)
		return &v1beta1.MCPServerEntry{TypeMeta: typeMeta("MCPServerEntry"), ObjectMeta: o.ObjectMeta, Spec: spec}, nil
	case "VirtualMCPServer":
		var o v1alpha1.VirtualMCPServer
		if err := strictyaml.Unmarshal(b, (*plainVirtualMCPServer)(&o)); err != nil {
			return nil, err
		}
		spec, ws := o.Normalize()
		note(ws)
		return &v1beta1.VirtualMCPServer{TypeMeta: typeMeta("VirtualMCPServer"), ObjectMeta: o.ObjectMeta, Spec: spec}, nil
	}
	return nil, nil
}
