package toolreport

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"

	"github.com/mcp-operator/mcp-operator/api/group"
)

// FieldManager owns status.tools; the operator never sets that field.
const FieldManager = "proxyrunner"

// apiVersion is a version the API serves MCPServer in. The runner addresses the API
// over REST only, so it names the group instead of linking the typed API.
var apiVersion = schema.GroupVersion{Group: group.Name, Version: "v1alpha1"}

var resMCPServers = apiVersion.WithResource("mcpservers")

// Status reads and writes status.tools of one MCPServer.
type Status struct {
	client          dynamic.Interface
	name, namespace string
}

// NewStatus returns a Status for MCPServer namespace/name.
func NewStatus(cfg *rest.Config, name, namespace string) (*Status, error) {
	if name == "" || namespace == "" {
		return nil, fmt.Errorf("reporting tools needs the MCPServer's name and namespace (got %q/%q)", namespace, name)
	}
	c, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	return &Status{client: c, name: name, namespace: namespace}, nil
}

// Current returns status.tools as stored (nil when absent).
func (s *Status) Current(ctx context.Context) ([]string, error) {
	u, err := s.client.Resource(resMCPServers).Namespace(s.namespace).Get(ctx, s.name, metav1.GetOptions{}, "status")
	if err != nil {
		return nil, fmt.Errorf("reading MCPServer %s/%s status: %w", s.namespace, s.name, err)
	}
	tools, _, err := unstructured.NestedStringSlice(u.Object, "status", "tools")
	return tools, err
}

// Apply server-side applies status.tools = tools and no other field.
func (s *Status) Apply(ctx context.Context, tools []string) error {
	list := make([]any, len(tools))
	for i, t := range tools {
		list[i] = t
	}
	u := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": apiVersion.String(), "kind": "MCPServer",
		"metadata": map[string]any{"name": s.name, "namespace": s.namespace},
		"status":   map[string]any{"tools": list},
	}}
	_, err := s.client.Resource(resMCPServers).Namespace(s.namespace).ApplyStatus(ctx, s.name, u,
		metav1.ApplyOptions{FieldManager: FieldManager, Force: true})
	if err != nil {
		return fmt.Errorf("applying MCPServer %s/%s status.tools: %w", s.namespace, s.name, err)
	}
	return nil
}

// isPermanent reports errors that retrying cannot fix soon (RBAC, missing object
// is not one: the object may be created later).
func isPermanent(err error) bool {
	return apierrors.IsForbidden(err) || apierrors.IsUnauthorized(err) || apierrors.IsInvalid(err)
}
