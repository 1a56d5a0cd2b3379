package cedar

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/cedar-policy/cedar-go"

	"github.com/mcp-operator/mcp-operator/pkg/auth"
)

// Authorizer authorizes MCP operations with a Cedar policy set. It implements
// auth.Authorizer and auth.Decider and is safe for concurrent use.
type Authorizer struct {
	policies *cedar.PolicySet
	entities cedar.EntityMap
}

// New parses policies (each string may hold several) and the optional entity set
// (a JSON array of Cedar entities). Errors name the field to fix: policies[i] or
// entitiesJson.
func New(policies []string, entitiesJSON string) (*Authorizer, error) {
	ps := cedar.NewPolicySet()
	for i, text := range policies {
		set, err := cedar.NewPolicySetFromBytes(fmt.Sprintf("policies[%d]", i), []byte(text))
		if err != nil {
			return nil, fmt.Errorf("policies[%d]: %w", i, err)
		}
		all := set.Map()
		for id, p := range set.All() {
			name := policyName(i, string(id), len(all), p)
			if !ps.Add(cedar.PolicyID(name), p) {
				return nil, fmt.Errorf("policies[%d]: policy id %q is used twice", i, name)
			}
		}
	}
	a := &Authorizer{policies: ps, entities: cedar.EntityMap{}}
	if entitiesJSON != "" {
		if err := json.Unmarshal([]byte(entitiesJSON), &a.entities); err != nil {
			return nil, fmt.Errorf("entitiesJson%s: %w (want a JSON array of Cedar entities)", jsonPosition(entitiesJSON, err), err)
		}
	}
	return a, nil
}

// jsonPosition returns " at line L, column C" for a JSON syntax error, so a user finds
// the mistake in a long entity list; "" for other errors.
func jsonPosition(text string, err error) string {
	var se *json.SyntaxError
	if !errors.As(err, &se) || se.Offset <= 0 || int(se.Offset) > len(text) {
		return ""
	}
	before := text[:se.Offset]
	line := strings.Count(before, "\n") + 1
	col := int(se.Offset) - strings.LastIndex(before, "\n") - 1
	return fmt.Sprintf(" at line %d, column %d", line, col)
}

// policyName is the @id annotation of p, else policies[i] (with #n when the
// string held several policies; cedar-go numbers them policy0, policy1, …).
func policyName(i int, id string, count int, p *cedar.Policy) string {
	if v, ok := p.Annotations()["id"]; ok && v != "" {
		return string(v)
	}
	if count == 1 {
		return fmt.Sprintf("policies[%d]", i)
	}
	return fmt.Sprintf("policies[%d]#%s", i, strings.TrimPrefix(id, "policy"))
}

// resourceTypes maps an action to the Cedar entity type of its resource.
var resourceTypes = map[string]cedar.EntityType{
	"call_tool":     "Tool",
	"get_prompt":    "Prompt",
	"read_resource": "Resource",
}

// Authorize implements auth.Authorizer.
func (a *Authorizer) Authorize(ctx context.Context, id *auth.Identity, op auth.Operation) (bool, error) {
	d, err := a.Decide(ctx, id, op)
	return d.Allowed, err
}

// Decide implements auth.Decider: a denial names the forbid policies that
// matched, or says no policy permits the operation.
func (a *Authorizer) Decide(_ context.Context, id *auth.Identity, op auth.Operation) (auth.Decision, error) {
	req, principal := Request(id, op)
	decision, diag := a.policies.IsAuthorized(overlay{base: a.entities, extra: a.withParents(principal)}, req)
	if decision == cedar.Allow {
		return auth.Decision{Allowed: true}, nil
	}
	var ids []string
	for _, r := range diag.Reasons {
		ids = append(ids, fmt.Sprintf("%q", r.PolicyID))
	}
	sort.Strings(ids)
	if len(ids) > 0 {
		return auth.Decision{Reason: "denied by policy " + strings.Join(ids, ", ")}, nil
	}
	return auth.Decision{Reason: "no policy permits " + op.Action + " on " + req.Resource.String()}, nil
}

// withParents keeps the parents (and attributes not set from claims) of a
// principal that entitiesJson also defines.
func (a *Authorizer) withParents(p cedar.Entity) cedar.Entity {
	known, ok := a.entities[p.UID]
	if !ok {
		return p
	}
	p.Parents = known.Parents
	m := cedar.RecordMap{}
	for k, v := range known.Attributes.All() {
		m[k] = v
	}
	for k, v := range p.Attributes.All() {
		m[k] = v
	}
	p.Attributes = cedar.NewRecord(m)
	return p
}

// Request builds the Cedar request for an operation by an identity, and the
// principal entity carrying the identity's claims as claim_<name> attributes.
func Request(id *auth.Identity, op auth.Operation) (cedar.Request, cedar.Entity) {
	subject := "anonymous"
	var claims map[string]any
	if id != nil {
		if id.Subject != "" {
			subject = id.Subject
		}
		claims = id.Claims
	}
	typ, ok := resourceTypes[op.Action]
	if !ok {
		typ = "Resource"
	}
	principal := cedar.Entity{UID: cedar.NewEntityUID("Client", cedar.String(subject))}
	attrs := cedar.RecordMap{}
	ctx := cedar.RecordMap{}
	for k, v := range claims {
		if cv, ok := Value(v); ok {
			attrs[cedar.String("claim_"+k)] = cv
			ctx[cedar.String("claim_"+k)] = cv
		}
	}
	principal.Attributes = cedar.NewRecord(attrs)
	args := cedar.RecordMap{}
	for k, v := range op.Arguments {
		if cv, ok := scalar(v); ok {
			args[cedar.String(k)] = cv
			ctx[cedar.String("arg_"+k)] = cv
		}
	}
	ctx["arguments"] = cedar.NewRecord(args)
	return cedar.Request{
		Principal: principal.UID,
		Action:    cedar.NewEntityUID("Action", cedar.String(op.Action)),
		Resource:  cedar.NewEntityUID(typ, cedar.String(op.Resource)),
		Context:   cedar.NewRecord(ctx),
	}, principal
}

// scalar converts a string, boolean or integral number; other values have no
// faithful Cedar form and are left out.
func scalar(v any) (cedar.Value, bool) {
	switch x := v.(type) {
	case string:
		return cedar.String(x), true
	case bool:
		return cedar.Boolean(x), true
	case float64:
		if x == float64(int64(x)) {
			return cedar.Long(int64(x)), true
		}
	case int:
		return cedar.Long(int64(x)), true
	case int64:
		return cedar.Long(x), true
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return cedar.Long(n), true
		}
	}
	return nil, false
}

// Value converts a JSON value (as decoded into any) to Cedar: scalars as in
// scalar, arrays as sets, objects as records; unconvertible elements are dropped.
func Value(v any) (cedar.Value, bool) {
	switch x := v.(type) {
	case []any:
		var vs []cedar.Value
		for _, e := range x {
			if cv, ok := Value(e); ok {
				vs = append(vs, cv)
			}
		}
		return cedar.NewSet(vs...), true
	case []string:
		vs := make([]cedar.Value, len(x))
		for i, e := range x {
			vs[i] = cedar.String(e)
		}
		return cedar.NewSet(vs...), true
	case map[string]any:
		m := cedar.RecordMap{}
		for k, e := range x {
			if cv, ok := Value(e); ok {
				m[cedar.String(k)] = cv
			}
		}
		return cedar.NewRecord(m), true
	}
	return scalar(v)
}

// overlay is the static entity set plus the request's principal, without copying
// the static set per request.
type overlay struct {
	base  cedar.EntityMap
	extra cedar.Entity
}

// Get implements cedar's EntityGetter.
func (o overlay) Get(uid cedar.EntityUID) (cedar.Entity, bool) {
	if uid == o.extra.UID {
		return o.extra, true
	}
	return o.base.Get(uid)
}
