package config

// Default names filled by Normalize.
const (
	// DefaultName names the gateway (MCP server info, telemetry service.name) when name
	// is empty. The operator writes the VirtualMCPServer's name instead.
	DefaultName = "vmcp"
	// DefaultSessionKeyPrefix starts the Redis keys when sessionStorage.keyPrefix is empty.
	DefaultSessionKeyPrefix = "vmcp:"
)

// Default values filled by Normalize.
const (
	DefaultTimeout                 Duration = "30s"
	DefaultHealthCheckInterval     Duration = "30s"
	DefaultHealthCheckTimeout      Duration = "10s"
	DefaultSessionIdleTimeout      Duration = "30m"
	DefaultUnhealthyThreshold      int32    = 3
	DefaultStatusReportingInterval Duration = "30s"
	DefaultCircuitFailureThreshold int32    = 5
	DefaultCircuitTimeout          Duration = "60s"
)

// Normalize fills every unset field that has a default, so the rest of vmcp reads a
// complete configuration, and so every validator sees the same document: vmcp (Parse,
// gateway.New) and the operator (before it reports a VirtualMCPServer Valid) both validate
// a normalized config. Defaults live here and nowhere else. It is idempotent.
func (c *Config) Normalize() {
	if c.Name == "" {
		c.Name = DefaultName
	}
	if c.IncomingAuth == nil {
		c.IncomingAuth = &IncomingAuth{}
	}
	if c.IncomingAuth.Type == "" {
		c.IncomingAuth.Type = IncomingAuthAnonymous
	}
	if c.OutgoingAuth == nil {
		c.OutgoingAuth = &OutgoingAuth{}
	}
	if c.OutgoingAuth.Source == "" {
		c.OutgoingAuth.Source = OutgoingAuthInline
	}
	for i := range c.Backends {
		if c.Backends[i].Transport == "" {
			c.Backends[i].Transport = TransportStreamableHTTP
		}
	}
	if c.SessionStorage != nil && c.SessionStorage.KeyPrefix == "" {
		c.SessionStorage.KeyPrefix = DefaultSessionKeyPrefix
	}
	if c.Telemetry != nil && c.Telemetry.ServiceName == "" {
		c.Telemetry.ServiceName = c.Name
	}
	for i := range c.CompositeTools {
		c.CompositeTools[i].Normalize()
	}
	c.defaultAggregation()
	c.defaultOperational()
}

// Normalize fills the defaults of one composite tool (a step without a type is a tool
// call); Config.Normalize calls it for the inline tools, composite.New for the tool it
// compiles.
func (t *CompositeTool) Normalize() {
	steps := make([]WorkflowStep, len(t.Steps))
	copy(steps, t.Steps)
	for i := range steps {
		if steps[i].Type == "" {
			steps[i].Type = StepTool
		}
	}
	if t.Steps != nil {
		t.Steps = steps
	}
}

func (c *Config) defaultAggregation() {
	if c.Aggregation == nil {
		c.Aggregation = &Aggregation{}
	}
	a := c.Aggregation
	if a.ConflictResolution == "" {
		a.ConflictResolution = ConflictPrefix
	}
	if a.ConflictResolutionConfig == nil {
		a.ConflictResolutionConfig = &ConflictResolutionConfig{}
	}
	if a.ConflictResolutionConfig.PrefixFormat == "" {
		a.ConflictResolutionConfig.PrefixFormat = DefaultPrefixFormat
	}
}

func (c *Config) defaultOperational() {
	if c.Operational == nil {
		c.Operational = &Operational{}
	}
	o := c.Operational
	if o.Timeouts == nil {
		o.Timeouts = &Timeouts{}
	}
	if o.Timeouts.Default == "" {
		o.Timeouts.Default = DefaultTimeout
	}
	if o.Sessions == nil {
		o.Sessions = &SessionLimits{}
	}
	setDuration(&o.Sessions.IdleTimeout, DefaultSessionIdleTimeout)
	if o.FailureHandling == nil {
		o.FailureHandling = &FailureHandling{}
	}
	f := o.FailureHandling
	setDuration(&f.HealthCheckInterval, DefaultHealthCheckInterval)
	setDuration(&f.HealthCheckTimeout, DefaultHealthCheckTimeout)
	setDuration(&f.StatusReportingInterval, DefaultStatusReportingInterval)
	if f.UnhealthyThreshold == 0 {
		f.UnhealthyThreshold = DefaultUnhealthyThreshold
	}
	if f.PartialFailureMode == "" {
		f.PartialFailureMode = PartialFailureFail
	}
	if f.CircuitBreaker == nil {
		f.CircuitBreaker = &CircuitBreaker{}
	}
	if f.CircuitBreaker.FailureThreshold == 0 {
		f.CircuitBreaker.FailureThreshold = DefaultCircuitFailureThreshold
	}
	setDuration(&f.CircuitBreaker.Timeout, DefaultCircuitTimeout)
}

func setDuration(d *Duration, def Duration) {
	if *d == "" {
		*d = def
	}
}
