package runconfig

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"regexp"

	"github.com/mcp-operator/mcp-operator/internal/strictyaml"
)

// Transports and proxy modes.
const (
	TransportStdio          = "stdio"
	TransportStreamableHTTP = "streamable-http"
	TransportSSE            = "sse"
)

// Defaults applied by SetDefaults.
const (
	DefaultProxyPort = 8080
	DefaultContainer = "mcp"
)

// Load reads a config file strictly: unknown fields are errors (a typo must not be
// silently ignored), then applies defaults and validates.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading config: %w", err)
	}
	return Parse(data)
}

// Parse is Load for bytes.
func Parse(data []byte) (*Config, error) {
	c, err := Decode(data)
	if err != nil {
		return nil, err
	}
	c.SetDefaults()
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// Decode parses strictly without defaults or validation (callers that override
// fields, like command-line flags, default and validate afterwards).
func Decode(data []byte) (*Config, error) {
	var c Config
	// Case-sensitive and strict: "proxyport" is a typo, not proxyPort.
	if err := strictyaml.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("parsing config: %w", err)
	}
	return &c, nil
}

// SetDefaults fills what the operator may leave out.
func (c *Config) SetDefaults() {
	if c.Transport == "" {
		c.Transport = TransportStdio
	}
	if c.ProxyMode == "" {
		c.ProxyMode = TransportStreamableHTTP
	}
	if c.ProxyPort == 0 {
		c.ProxyPort = DefaultProxyPort
	}
	if c.Host == "" {
		c.Host = "0.0.0.0"
	}
	if c.Transport == TransportStdio {
		if c.Stdio == nil {
			c.Stdio = &Stdio{}
		}
		if c.Stdio.Command == "" {
			if c.Stdio.Pod == "" && c.Name != "" {
				c.Stdio.Pod = c.Name + "-0"
			}
			if c.Stdio.Container == "" {
				c.Stdio.Container = DefaultContainer
			}
		}
	}
}

var headerName = regexp.MustCompile("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")

// Validate returns every problem at once, each saying which field to fix.
func (c *Config) Validate() error {
	var errs []error
	add := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	switch c.Transport {
	case TransportStdio, TransportStreamableHTTP, TransportSSE:
	default:
		add("transport %q: must be stdio, streamable-http or sse", c.Transport)
	}
	switch c.ProxyMode {
	case TransportStreamableHTTP, TransportSSE:
	default:
		add("proxyMode %q: must be streamable-http or sse", c.ProxyMode)
	}
	if c.ProxyPort < 1 || c.ProxyPort > 65535 {
		add("proxyPort %d: must be 1-65535", c.ProxyPort)
	}
	if c.Transport == TransportStdio {
		errs = append(errs, c.validateStdio()...)
	} else {
		if u, err := url.Parse(c.Target); c.Target == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			add("target %q: an HTTP/SSE server or remote needs an absolute http(s) URL", c.Target)
		}
		if c.Stdio != nil && (c.Stdio.Command != "" || c.Stdio.Pod != "") {
			add("stdio: only valid with transport stdio (transport is %s)", c.Transport)
		}
	}
	if hf := c.HeaderForward; hf != nil {
		for k := range hf.Plaintext {
			if !headerName.MatchString(k) {
				add("headerForward.plaintext: %q is not a valid header name", k)
			}
		}
		for k, env := range hf.FromEnv {
			if !headerName.MatchString(k) {
				add("headerForward.fromEnv: %q is not a valid header name", k)
			}
			if env == "" {
				add("headerForward.fromEnv[%s]: environment variable name is empty", k)
			}
		}
	}
	if err := c.Telemetry.Validate(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

func (c *Config) validateStdio() []error {
	s := c.Stdio
	if s == nil || (s.Command == "" && s.Pod == "") {
		return []error{errors.New("stdio: set stdio.command (local subprocess) or stdio.pod / name (attach to <name>-0)")}
	}
	var errs []error
	if s.Command != "" && s.Pod != "" {
		errs = append(errs, errors.New("stdio: set either command or pod, not both"))
	}
	if s.Pod != "" && c.Namespace == "" && os.Getenv("POD_NAMESPACE") == "" {
		if _, err := os.Stat(serviceAccountNamespace); err != nil {
			errs = append(errs, errors.New("namespace: required to attach to a pod (or set POD_NAMESPACE)"))
		}
	}
	if c.Target != "" {
		errs = append(errs, errors.New("target: not used with transport stdio; remove it"))
	}
	return errs
}

// serviceAccountNamespace is where a pod finds its own namespace.
const serviceAccountNamespace = "/var/run/secrets/kubernetes.io/serviceaccount/namespace"

// PodNamespace returns the namespace to attach in: the config's, else POD_NAMESPACE,
// else the pod's own service-account namespace.
func (c *Config) PodNamespace() string {
	if c.Namespace != "" {
		return c.Namespace
	}
	if ns := os.Getenv("POD_NAMESPACE"); ns != "" {
		return ns
	}
	if b, err := os.ReadFile(serviceAccountNamespace); err == nil {
		return string(b)
	}
	return ""
}
