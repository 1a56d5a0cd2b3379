package controllers

import (
	"net/http"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"
)

// MapperProvider is controller-runtime's dynamic REST mapper with RESTMapping answers
// remembered. The cache and the client ask for a kind's mapping on every Get, List and
// Apply (to know whether it is namespaced); the dynamic mapper answers from memory but
// builds a no-match error for every group it passes on the way, which at 1,000 MCPServers
// was a tenth of the manager's allocations. Only found mappings are kept: a CRD installed
// later is still discovered.
func MapperProvider(c *rest.Config, httpClient *http.Client) (meta.RESTMapper, error) {
	m, err := apiutil.NewDynamicRESTMapper(c, httpClient)
	if err != nil {
		return nil, err
	}
	return newMappingCache(m), nil
}

// mappingCache remembers the RESTMapping answers of the mapper it wraps.
type mappingCache struct {
	meta.RESTMapper
	mu       sync.RWMutex
	mappings map[string]*meta.RESTMapping
}

func newMappingCache(m meta.RESTMapper) *mappingCache {
	return &mappingCache{RESTMapper: m, mappings: map[string]*meta.RESTMapping{}}
}

// RESTMapping implements meta.RESTMapper.
func (c *mappingCache) RESTMapping(gk schema.GroupKind, versions ...string) (*meta.RESTMapping, error) {
	key := gk.String() + "/" + strings.Join(versions, ",")
	c.mu.RLock()
	m, ok := c.mappings[key]
	c.mu.RUnlock()
	if ok {
		return m, nil
	}
	m, err := c.RESTMapper.RESTMapping(gk, versions...)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.mappings[key] = m
	c.mu.Unlock()
	return m, nil
}
