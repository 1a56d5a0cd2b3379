package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mcp-operator/mcp-operator/internal/jsontemplate"
	"github.com/mcp-operator/mcp-operator/pkg/auth/cedar"
)

// problems collects every validation problem so a user sees them all at once.
type problems struct{ list []error }

func (p *problems) add(path, format string, args ...any) {
	p.list = append(p.list, fmt.Errorf("%s: %s", path, fmt.Sprintf(format, args...)))
}

// Validate checks a (defaulted or not) config and returns every problem found, one
// per line, each naming the field and what to do about it; nil when valid.
func (c *Config) Validate() error {
	p := &problems{}
	known := c.workloadNames()
	c.validateSource(p)
	c.validateBackends(p)
	c.validateIncomingAuth(p)
	c.validateOutgoingAuth(p, known)
	c.validateDelegation(p)
	c.validateAggregation(p, known)
	c.validateOperational(p, known)
	c.validateCompositeTools(p, known)
	c.validateOptimizer(p)
	c.validateTelemetry(p)
	c.validatePassthroughHeaders(p)
	c.validateAudit(p)
	return errors.Join(p.list...)
}

// headerToken is an HTTP header field name (RFC 9110 token).
var headerToken = regexp.MustCompile("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")

// reservedHeaders are never passed through: the client's credentials stay with vmcp,
// and the others belong to each hop or to the MCP session with the backend.
var reservedHeaders = map[string]bool{
	"authorization": true, "proxy-authorization": true, "cookie": true, "host": true,
	"content-length": true, "content-type": true, "accept": true, "accept-encoding": true,
	"connection": true, "transfer-encoding": true, "upgrade": true, "te": true, "trailer": true,
	"keep-alive": true, "mcp-session-id": true, "mcp-protocol-version": true, "last-event-id": true,
	"x-vmcp-identity-ref": true,
}

// validatePassthroughHeaders refuses header names that are not tokens or are reserved.
func (c *Config) validatePassthroughHeaders(p *problems) {
	for i, name := range c.PassthroughHeaders {
		path := fmt.Sprintf("passthroughHeaders[%d]", i)
		switch {
		case !headerToken.MatchString(name):
			p.add(path, "%q is not an HTTP header name", name)
		case reservedHeaders[strings.ToLower(name)]:
			p.add(path, "%s is never passed through to backends (credentials, connection and MCP session headers stay with vmcp)", name)
		}
	}
}

// validateAudit checks audit.logFile: in a cluster the operator mounts a writable
// emptyDir at its directory, which must therefore be a directory of its own.
func (c *Config) validateAudit(p *problems) {
	if c.Audit == nil || c.Audit.LogFile == "" {
		return
	}
	f := c.Audit.LogFile
	switch dir := c.AuditLogDir(); {
	case !path.IsAbs(f) || path.Clean(f) != f:
		p.add("audit.logFile", "%q: want a clean absolute file path, e.g. /var/log/vmcp/audit.log", f)
	case dir == "/" || dir == "/etc/vmcp-config" || strings.HasPrefix(dir, "/etc/vmcp-config/"):
		p.add("audit.logFile", "%q: put the file in a directory of its own (not / or /etc/vmcp-config), e.g. /var/log/vmcp/audit.log", f)
	}
}

// AuditLogDir is the directory of audit.logFile ("" when events go to the log).
func (c *Config) AuditLogDir() string {
	if c.Audit == nil || c.Audit.LogFile == "" {
		return ""
	}
	return path.Dir(c.Audit.LogFile)
}

// validateTelemetry checks the metrics port.
func (c *Config) validateTelemetry(p *problems) {
	t := c.Telemetry
	if t == nil || t.PrometheusPort == nil {
		return
	}
	if port := *t.PrometheusPort; port < 1 || port > 65535 {
		p.add("telemetry.prometheusPort", "%d: want a TCP port, 1-65535", port)
	}
}

// workloadNames returns the static backend names when they are the complete set of
// workloads (no groupRef); nil means names cannot be checked at config time.
func (c *Config) workloadNames() map[string]bool {
	if c.GroupRef != "" || len(c.Backends) == 0 {
		return nil
	}
	names := map[string]bool{}
	for _, b := range c.Backends {
		names[b.Name] = true
	}
	return names
}

func checkWorkload(p *problems, known map[string]bool, path, name string) {
	if known != nil && !known[name] {
		p.add(path, "unknown workload %q; known backends are %s", name, sortedKeys(known))
	}
}

func sortedKeys(m map[string]bool) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(keys, ", ")
}

func (c *Config) validateSource(p *problems) {
	if c.GroupRef == "" && len(c.Backends) == 0 {
		p.add("groupRef", "required unless static backends are listed under backends")
	}
}

func (c *Config) validateBackends(p *problems) {
	seen := map[string]bool{}
	for i, b := range c.Backends {
		path := fmt.Sprintf("backends[%d]", i)
		if b.Name == "" {
			p.add(path+".name", "required")
		} else if seen[b.Name] {
			p.add(path+".name", "duplicate backend name %q; backend names must be unique", b.Name)
		}
		seen[b.Name] = true
		switch b.Transport {
		case TransportStdio:
			if b.Command == "" {
				p.add(path+".command", "required for a stdio backend")
			}
		case "", TransportStreamableHTTP, TransportSSE:
			validateURL(p, path+".url", b.URL, true)
		default:
			p.add(path+".transport", "unknown transport %q; use streamable-http, sse or stdio", b.Transport)
		}
	}
}

func validateURL(p *problems, path, raw string, required bool) {
	if raw == "" {
		if required {
			p.add(path, "required for an sse or streamable-http backend")
		}
		return
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		p.add(path, "%q is not an http(s) URL", raw)
	}
}

func (c *Config) validateIncomingAuth(p *problems) {
	a := c.IncomingAuth
	if a == nil {
		return
	}
	switch a.Type {
	case "", IncomingAuthAnonymous, IncomingAuthLocal:
	case IncomingAuthOIDC:
		if a.OIDC == nil || a.OIDC.Issuer == "" {
			p.add("incomingAuth.oidc.issuer", "required when incomingAuth.type is oidc")
		}
	default:
		p.add("incomingAuth.type", "unknown type %q; use anonymous, oidc or local", a.Type)
	}
	if a.Authz == nil {
		return
	}
	switch a.Authz.Type {
	case "", AuthzNone:
	case AuthzCedar:
		if len(a.Authz.Policies) == 0 {
			p.add("incomingAuth.authz.policies", "at least one Cedar policy is required when authz.type is cedar")
		} else if _, err := cedar.New(a.Authz.Policies, a.Authz.EntitiesJSON); err != nil {
			// vmcp would exit at start (a crash loop): refuse now, with the parser's position.
			p.add("incomingAuth.authz", "%v", err)
		}
	default:
		p.add("incomingAuth.authz.type", "unknown type %q; use cedar or none", a.Authz.Type)
	}
}

func (c *Config) validateOutgoingAuth(p *problems, known map[string]bool) {
	o := c.OutgoingAuth
	if o == nil {
		return
	}
	switch o.Source {
	case "", OutgoingAuthInline, OutgoingAuthDiscovered:
	default:
		p.add("outgoingAuth.source", "unknown source %q; use inline or discovered", o.Source)
	}
	if o.Default != nil {
		validateStrategy(p, "outgoingAuth.default", *o.Default)
	}
	for _, name := range sortedNames(o.Backends) {
		path := "outgoingAuth.backends." + name
		checkWorkload(p, known, path, name)
		validateStrategy(p, path, o.Backends[name])
	}
}

func sortedNames[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func validateStrategy(p *problems, path string, s BackendAuthStrategy) {
	switch s.Type {
	case BackendAuthUnauthenticated:
	case BackendAuthHeaderInjection:
		h := s.HeaderInjection
		if h == nil || h.HeaderName == "" {
			p.add(path+".headerInjection.headerName", "required when type is header_injection")
		}
		if h == nil || (h.HeaderValueEnv == "" && h.HeaderValue == "") {
			p.add(path+".headerInjection.headerValueEnv", "required when type is header_injection: headerValueEnv (the name of the environment variable holding the value) or headerValue")
		}
	case BackendAuthTokenExchange:
		if s.TokenExchange == nil || s.TokenExchange.TokenURL == "" {
			p.add(path+".tokenExchange.tokenUrl", "required when type is token_exchange")
		}
	case "":
		p.add(path+".type", "required; use unauthenticated, header_injection or token_exchange")
	default:
		p.add(path+".type", "unknown type %q; use unauthenticated, header_injection or token_exchange", s.Type)
	}
}

func (c *Config) validateAggregation(p *problems, known map[string]bool) {
	a := c.Aggregation
	if a == nil {
		return
	}
	crc := a.ConflictResolutionConfig
	switch a.ConflictResolution {
	case "", ConflictPrefix, ConflictManual:
	case ConflictPriority:
		if crc == nil || len(crc.PriorityOrder) == 0 {
			p.add("aggregation.conflictResolutionConfig.priorityOrder", "required when conflictResolution is priority (list the backends, highest priority first)")
		}
	default:
		p.add("aggregation.conflictResolution", "unknown strategy %q; use prefix, priority or manual", a.ConflictResolution)
	}
	if crc != nil {
		seen := map[string]bool{}
		for i, w := range crc.PriorityOrder {
			path := fmt.Sprintf("aggregation.conflictResolutionConfig.priorityOrder[%d]", i)
			if seen[w] {
				p.add(path, "%q is listed twice", w)
			}
			seen[w] = true
			checkWorkload(p, known, path, w)
		}
	}
	seen := map[string]bool{}
	for i, t := range a.Tools {
		path := fmt.Sprintf("aggregation.tools[%d]", i)
		if t.Workload == "" {
			p.add(path+".workload", "required")
			continue
		}
		if seen[t.Workload] {
			p.add(path+".workload", "workload %q has more than one entry; merge them", t.Workload)
		}
		seen[t.Workload] = true
		checkWorkload(p, known, path+".workload", t.Workload)
		validateOverrides(p, path, t)
	}
}

func validateOverrides(p *problems, path string, t WorkloadTools) {
	renamed := map[string]string{}
	for _, orig := range sortedNames(t.Overrides) {
		o := t.Overrides[orig]
		if len(t.Filter) > 0 && !slices.Contains(t.Filter, orig) {
			p.add(path+".overrides."+orig, "tool %q is overridden but removed by filter; add it to filter or drop the override", orig)
		}
		if o.Name == "" {
			continue
		}
		if prev, dup := renamed[o.Name]; dup {
			p.add(path+".overrides."+orig+".name", "%q is also the new name of %q; names must be unique", o.Name, prev)
		}
		renamed[o.Name] = orig
	}
}

func (c *Config) validateOperational(p *problems, known map[string]bool) {
	o := c.Operational
	if o == nil {
		return
	}
	if t := o.Timeouts; t != nil {
		checkDuration(p, "operational.timeouts.default", t.Default)
		for _, name := range sortedNames(t.PerWorkload) {
			path := "operational.timeouts.perWorkload." + name
			checkWorkload(p, known, path, name)
			checkDuration(p, path, t.PerWorkload[name])
		}
	}
	if s := o.Sessions; s != nil {
		checkDuration(p, "operational.sessions.idleTimeout", s.IdleTimeout)
		if s.MaxSessions < 0 {
			p.add("operational.sessions.maxSessions", "%d is negative; use 0 for no cap", s.MaxSessions)
		}
	}
	f := o.FailureHandling
	if f == nil {
		return
	}
	interval := checkDuration(p, "operational.failureHandling.healthCheckInterval", f.HealthCheckInterval)
	timeout := checkDuration(p, "operational.failureHandling.healthCheckTimeout", f.HealthCheckTimeout)
	if interval > 0 && timeout > interval {
		p.add("operational.failureHandling.healthCheckTimeout", "%s is longer than healthCheckInterval %s; make it shorter", f.HealthCheckTimeout, f.HealthCheckInterval)
	}
	checkDuration(p, "operational.failureHandling.statusReportingInterval", f.StatusReportingInterval)
	if f.UnhealthyThreshold < 0 {
		p.add("operational.failureHandling.unhealthyThreshold", "must be at least 1, got %d", f.UnhealthyThreshold)
	}
	switch f.PartialFailureMode {
	case "", PartialFailureFail, PartialFailureBestEffort:
	default:
		p.add("operational.failureHandling.partialFailureMode", "unknown mode %q; use fail or best_effort", f.PartialFailureMode)
	}
	if cb := f.CircuitBreaker; cb != nil {
		if cb.FailureThreshold < 0 {
			p.add("operational.failureHandling.circuitBreaker.failureThreshold", "must be at least 1, got %d", cb.FailureThreshold)
		}
		checkDuration(p, "operational.failureHandling.circuitBreaker.timeout", cb.Timeout)
	}
}

// checkDuration reports an unparsable or non-positive duration; "" is accepted
// (a default applies) and returns 0.
func checkDuration(p *problems, path string, d Duration) time.Duration {
	if d == "" {
		return 0
	}
	v, err := time.ParseDuration(string(d))
	if err != nil {
		p.add(path, "%q is not a duration; use a Go duration such as 30s, 1m or 500ms", d)
		return 0
	}
	if v <= 0 {
		p.add(path, "%q must be positive", d)
	}
	return v
}

// TemplateFuncs are the functions of composite tool templates besides the
// language's own: the parser checks names against them and the workflow engine
// (pkg/vmcp/composite) runs them.
var TemplateFuncs = jsontemplate.Funcs{
	"json": jsontemplate.Unary("json", func(v any) (any, error) {
		b, err := json.Marshal(v)
		return string(b), err
	}),
	"fromJson": jsontemplate.Unary("fromJson", func(v any) (any, error) {
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("fromJson takes a string, got %T", v)
		}
		var out any
		if err := json.Unmarshal([]byte(s), &out); err != nil {
			return nil, fmt.Errorf("fromJson: %w", err)
		}
		return out, nil
	}),
	"quote": jsontemplate.Unary("quote", func(v any) (any, error) { return strconv.Quote(fmt.Sprint(v)), nil }),
}

func (c *Config) validateCompositeTools(p *problems, known map[string]bool) {
	names := map[string]bool{}
	for i, t := range c.CompositeTools {
		path := fmt.Sprintf("compositeTools[%d]", i)
		if t.Name == "" {
			p.add(path+".name", "required")
		} else if names[t.Name] {
			p.add(path+".name", "duplicate composite tool name %q", t.Name)
		}
		names[t.Name] = true
		p.list = append(p.list, ValidateCompositeTool(path, t, known)...)
	}
	for i, r := range c.CompositeToolRefs {
		if r.Name == "" {
			p.add(fmt.Sprintf("compositeToolRefs[%d].name", i), "required")
		}
	}
}

// ValidateCompositeTool checks one workflow: step ids, tool references, dependsOn,
// cycles, templates, timeouts and error handling, returning one error per problem,
// each prefixed with its field path. known, when non-nil, is the set of valid
// workload names (VirtualMCPCompositeToolDefinition validation passes nil).
func ValidateCompositeTool(path string, t CompositeTool, known map[string]bool) []error {
	p := &problems{}
	if len(t.Steps) == 0 {
		p.add(path+".steps", "at least one step is required")
	}
	checkDuration(p, path+".timeout", t.Timeout)
	if t.Parameters != nil {
		var schema map[string]any
		if json.Unmarshal(t.Parameters.Raw, &schema) != nil {
			p.add(path+".parameters", "must be a JSON Schema object")
		} else if typ, ok := schema["type"]; ok && typ != "object" {
			p.add(path+".parameters.type", "must be \"object\" (tool input is always an object), not %v", typ)
		}
	}
	ids := map[string]int{}
	for i, s := range t.Steps {
		spath := fmt.Sprintf("%s.steps[%d]", path, i)
		if s.ID == "" {
			p.add(spath+".id", "required")
		} else if _, dup := ids[s.ID]; dup {
			p.add(spath+".id", "duplicate step id %q", s.ID)
		} else {
			ids[s.ID] = i
		}
		validateStep(p, spath, s, known)
	}
	for i, s := range t.Steps {
		for _, d := range s.DependsOn {
			if _, ok := ids[d]; !ok {
				p.add(fmt.Sprintf("%s.steps[%d].dependsOn", path, i), "step %q does not exist", d)
			}
		}
	}
	if cycle := findCycle(t.Steps); len(cycle) > 0 {
		p.add(path+".steps", "dependsOn forms a cycle: %s", strings.Join(cycle, " -> "))
	}
	checkStepRefs(p, path, t)
	if t.Output != nil {
		checkTemplatesIn(p, path+".output", t.Output.Raw)
	}
	return p.list
}

func validateStep(p *problems, path string, s WorkflowStep, known map[string]bool) {
	switch s.Type {
	case "", StepTool, StepForEach:
		validateStepTool(p, path, s.Tool, known)
		if s.Type == StepForEach && s.Collection == "" {
			p.add(path+".collection", "required for a forEach step (a template yielding a list)")
		}
	case StepElicitation:
		if s.Message == "" {
			p.add(path+".message", "required for an elicitation step")
		}
		checkTemplate(p, path+".message", s.Message)
	default:
		p.add(path+".type", "unknown step type %q; use tool, elicitation or forEach", s.Type)
	}
	checkDuration(p, path+".timeout", s.Timeout)
	checkTemplate(p, path+".condition", s.Condition)
	checkTemplate(p, path+".collection", s.Collection)
	if s.Arguments != nil {
		if !isJSONObject(s.Arguments.Raw) {
			p.add(path+".arguments", "must be an object mapping argument names to values")
		}
		checkTemplatesIn(p, path+".arguments", s.Arguments.Raw)
	}
	if e := s.OnError; e != nil {
		switch e.Action {
		case "", ErrorAbort, ErrorContinue:
		case ErrorRetry:
			if e.RetryCount <= 0 {
				p.add(path+".onError.retryCount", "must be greater than 0 when action is retry")
			}
		default:
			p.add(path+".onError.action", "unknown action %q; use abort, continue or retry", e.Action)
		}
		checkDuration(p, path+".onError.retryDelay", e.RetryDelay)
	}
}

func validateStepTool(p *problems, path, tool string, known map[string]bool) {
	workload, name, ok := strings.Cut(tool, ".")
	if !ok || workload == "" || name == "" || strings.ContainsAny(tool, " \t\n") {
		p.add(path+".tool", "%q must have the form workload.tool_name", tool)
		return
	}
	checkWorkload(p, known, path+".tool", workload)
}

func checkTemplate(p *problems, path, text string) {
	if !strings.Contains(text, "{{") {
		return
	}
	if _, err := jsontemplate.Parse(path, text, TemplateFuncs); err != nil {
		p.add(path, "bad template: %v", err)
	}
}

// isJSONObject reports whether raw is a JSON object.
func isJSONObject(raw []byte) bool {
	var m map[string]any
	return json.Unmarshal(raw, &m) == nil && m != nil
}

// checkTemplatesIn parses every string inside a JSON document as a template.
func checkTemplatesIn(p *problems, path string, raw []byte) {
	if len(raw) == 0 {
		return
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		p.add(path, "not valid JSON: %v", err)
		return
	}
	walkStrings(v, path, func(at, s string) { checkTemplate(p, at, s) })
}

func walkStrings(v any, path string, f func(path, s string)) {
	switch x := v.(type) {
	case string:
		f(path, x)
	case map[string]any:
		for _, k := range sortedNames(x) {
			walkStrings(x[k], path+"."+k, f)
		}
	case []any:
		for i, e := range x {
			walkStrings(e, fmt.Sprintf("%s[%d]", path, i), f)
		}
	}
}

// findCycle returns the step ids of one dependsOn cycle (first id repeated at the
// end), or nil. Unknown ids are ignored; they are reported separately.
func findCycle(steps []WorkflowStep) []string {
	deps := map[string][]string{}
	for _, s := range steps {
		if _, dup := deps[s.ID]; !dup {
			deps[s.ID] = s.DependsOn
		}
	}
	const (
		unvisited = iota
		visiting
		done
	)
	state := map[string]int{}
	var stack []string
	var visit func(id string) []string
	visit = func(id string) []string {
		state[id] = visiting
		stack = append(stack, id)
		for _, d := range deps[id] {
			if _, ok := deps[d]; !ok {
				continue
			}
			switch state[d] {
			case visiting:
				start := slices.Index(stack, d)
				return append(slices.Clone(stack[start:]), d)
			case unvisited:
				if c := visit(d); c != nil {
					return c
				}
			}
		}
		stack = stack[:len(stack)-1]
		state[id] = done
		return nil
	}
	for _, s := range steps {
		if state[s.ID] == unvisited {
			if c := visit(s.ID); c != nil {
				return c
			}
		}
	}
	return nil
}

// validateOptimizer checks what the schema cannot: the decimals' ranges and a
// usable embedding URL.
func (c *Config) validateOptimizer(p *problems) {
	o := c.Optimizer
	if o == nil {
		return
	}
	validateURL(p, "optimizer.embeddingService", o.EmbeddingService, false)
	checkDuration(p, "optimizer.embeddingServiceTimeout", o.EmbeddingServiceTimeout)
	if _, err := o.SemanticRatio(); err != nil {
		p.add("optimizer.hybridSearchSemanticRatio", "%v", err)
	}
	if _, err := o.DistanceThreshold(); err != nil {
		p.add("optimizer.semanticDistanceThreshold", "%v", err)
	}
	switch o.EmbeddingProvider {
	case "", EmbeddingProviderTEI, EmbeddingProviderOpenAI:
	default:
		p.add("optimizer.embeddingProvider", "%q is not tei or openai", o.EmbeddingProvider)
	}
}
