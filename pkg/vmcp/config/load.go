package config

import (
	"fmt"
	"os"

	"github.com/mcp-operator/mcp-operator/internal/strictyaml"
)

// Load reads a vmcp config file (YAML or JSON), rejects unknown keys, fills defaults
// and validates it. The returned error lists every problem found.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading config: %w", err)
	}
	c, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// Parse decodes a config document strictly (an unknown key is an error naming it),
// fills defaults and validates the result.
func Parse(data []byte) (*Config, error) {
	c, err := Decode(data)
	if err != nil {
		return nil, err
	}
	c.Normalize()
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// Decode decodes a config document strictly without defaulting or validating it.
func Decode(data []byte) (*Config, error) {
	var c Config
	if err := strictyaml.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("invalid config document: %w", err)
	}
	return &c, nil
}
