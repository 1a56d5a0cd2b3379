package config

// Default values filled by SetDefaults.
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

// SetDefaults fills every unset field that has a default, so the rest of vmcp reads
// a complete configuration. It is idempotent.
func (c *Config) SetDefaults() {
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
	c.defaultAggregation()
	c.defaultOperational()
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
