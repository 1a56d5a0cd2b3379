package controllers

import (
	"testing"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// countingMapper counts the lookups that reach the wrapped mapper.
type countingMapper struct {
	*meta.DefaultRESTMapper
	calls int
}

func (m *countingMapper) RESTMapping(gk schema.GroupKind, versions ...string) (*meta.RESTMapping, error) {
	m.calls++
	return m.DefaultRESTMapper.RESTMapping(gk, versions...)
}

func TestMappingCacheKeepsFoundMappingsOnly(t *testing.T) {
	apps := schema.GroupVersion{Group: "apps", Version: "v1"}
	inner := &countingMapper{DefaultRESTMapper: meta.NewDefaultRESTMapper([]schema.GroupVersion{apps})}
	inner.Add(apps.WithKind("Deployment"), meta.RESTScopeNamespace)
	c := newMappingCache(inner)
	deploy := schema.GroupKind{Group: "apps", Kind: "Deployment"}
	for i := 0; i < 3; i++ {
		m, err := c.RESTMapping(deploy, "v1")
		if err != nil {
			t.Fatal(err)
		}
		if m.Scope.Name() != meta.RESTScopeNameNamespace {
			t.Fatalf("scope %s, want namespace", m.Scope.Name())
		}
	}
	if inner.calls != 1 {
		t.Fatalf("the wrapped mapper was asked %d times for one kind, want 1", inner.calls)
	}
	// Another version asks again; a kind that is not there yet is not remembered.
	if _, err := c.RESTMapping(deploy); err != nil {
		t.Fatal(err)
	}
	missing := schema.GroupKind{Group: "example.com", Kind: "Widget"}
	for i := 0; i < 2; i++ {
		if _, err := c.RESTMapping(missing, "v1"); !meta.IsNoMatchError(err) {
			t.Fatalf("err = %v, want a no-match error", err)
		}
	}
	if inner.calls != 4 {
		t.Fatalf("the wrapped mapper was asked %d times, want 4 (1 + other versions + 2 misses)", inner.calls)
	}
}
