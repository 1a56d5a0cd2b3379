package authz

import (
	"fmt"

	"github.com/mcp-operator/mcp-operator/pkg/auth/cedar"
)

// Cedar is the shared Cedar authorizer (pkg/auth/cedar).
type Cedar = cedar.Authorizer

// New builds the authorizer of incomingAuth.authz; errors name the config field.
func New(policies []string, entitiesJSON string) (*Cedar, error) {
	a, err := cedar.New(policies, entitiesJSON)
	if err != nil {
		return nil, fmt.Errorf("incomingAuth.authz.%w", err)
	}
	return a, nil
}
