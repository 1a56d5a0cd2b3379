package authz

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/cedar-policy/cedar-go"

	"github.com/mcp-operator/mcp-operator/pkg/auth"
)

// Cedar authorizes MCP operations with a Cedar policy set.
type Cedar struct {
	policies *cedar.PolicySet
	entities cedar.EntityMap
}

// New parses policies (each string may hold several) and the optional entity set.
func New(policies []string, entitiesJSON string) (*Cedar, error) {
	ps := cedar.NewPolicySet()
	for i, text := range policies {
		set, err := cedar.NewPolicySetFromBytes(fmt.Sprintf("policy[%d]", i), []byte(text))
		if err != nil {
			return nil, fmt.Errorf("incomingAuth.authz.policies[%d]: %w", i, err)
		}
		for id, p := range set.All() {
			ps.Add(cedar.PolicyID(fmt.Sprintf("policy%d.%s", i, id)), p)
		}
	}
	c := &Cedar{policies: ps, entities: cedar.EntityMap{}}
	if entitiesJSON != "" {
		if err := json.Unmarshal([]byte(entitiesJSON), &c.entities); err != nil {
			return nil, fmt.Errorf("incomingAuth.authz.entitiesJson: %w", err)
		}
	}
	return c, nil
}

// resourceTypes maps an action to the Cedar entity type of its resource.
var resourceTypes = map[string]cedar.EntityType{
	"call_tool":     "Tool",
	"get_prompt":    "Prompt",
	"read_resource": "Resource",
}

// Authorize implements auth.Authorizer.
func (c *Cedar) Authorize(_ context.Context, id *auth.Identity, op auth.Operation) (bool, error) {
	subject := "anonymous"
	if id != nil && id.Subject != "" {
		subject = id.Subject
	}
	typ, ok := resourceTypes[op.Action]
	if !ok {
		typ = "Resource"
	}
	req := cedar.Request{
		Principal: cedar.NewEntityUID("Client", cedar.String(subject)),
		Action:    cedar.NewEntityUID("Action", cedar.String(op.Action)),
		Resource:  cedar.NewEntityUID(typ, cedar.String(op.Resource)),
		Context:   cedar.NewRecord(cedar.RecordMap{"arguments": arguments(op.Arguments)}),
	}
	decision, _ := c.policies.IsAuthorized(c.entities, req)
	return decision == cedar.Allow, nil
}

// arguments converts the scalar arguments of a call to a Cedar record; nested
// values are left out (policies match on simple parameters).
func arguments(args map[string]any) cedar.Record {
	m := cedar.RecordMap{}
	for k, v := range args {
		switch x := v.(type) {
		case string:
			m[cedar.String(k)] = cedar.String(x)
		case bool:
			m[cedar.String(k)] = cedar.Boolean(x)
		case float64:
			if x == float64(int64(x)) {
				m[cedar.String(k)] = cedar.Long(int64(x))
			}
		}
	}
	return cedar.NewRecord(m)
}
