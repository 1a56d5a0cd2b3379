package controllers

import (
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/conditions"
)

// externalAuthProblem says what is wrong with an auth config spec, or "" (pure). The
// schema enforces most of this; the check covers objects created before the schema did.
func externalAuthProblem(spec v1alpha1.MCPExternalAuthConfigSpec) string {
	set := map[v1alpha1.ExternalAuthType]bool{
		v1alpha1.ExternalAuthTokenExchange:   spec.TokenExchange != nil,
		v1alpha1.ExternalAuthHeaderInjection: spec.HeaderInjection != nil,
		v1alpha1.ExternalAuthBearerToken:     spec.BearerToken != nil,
	}
	for t, present := range set {
		if present && t != spec.Type {
			return fmt.Sprintf("spec.type is %q but the %s settings are set; remove them or change spec.type", spec.Type, t)
		}
	}
	switch spec.Type {
	case v1alpha1.ExternalAuthUnauthenticated:
		return ""
	case v1alpha1.ExternalAuthTokenExchange, v1alpha1.ExternalAuthHeaderInjection, v1alpha1.ExternalAuthBearerToken:
		if !set[spec.Type] {
			return fmt.Sprintf("spec.type is %q but spec.%s is missing", spec.Type, spec.Type)
		}
		return ""
	}
	return fmt.Sprintf("spec.type %q is unknown; use tokenExchange, headerInjection, bearerToken or unauthenticated", spec.Type)
}

// setExternalAuthValidCondition sets Valid from externalAuthProblem.
func setExternalAuthValidCondition(conds *[]metav1.Condition, spec v1alpha1.MCPExternalAuthConfigSpec, gen int64) {
	if p := externalAuthProblem(spec); p != "" {
		conditions.Set(conds, conditions.False(v1alpha1.ConditionValid, v1alpha1.ReasonInvalid, p), gen)
		return
	}
	conditions.Set(conds, conditions.True(v1alpha1.ConditionValid, v1alpha1.ReasonValid, "auth config is valid"), gen)
}
