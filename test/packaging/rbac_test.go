package packaging

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	rbacv1 "k8s.io/api/rbac/v1"
)

// TestManagerRulesEverywhereEqualGenerated checks that every install path grants the
// manager exactly the rules controller-gen generated from the controllers' RBAC markers.
func TestManagerRulesEverywhereEqualGenerated(t *testing.T) {
	want := generatedRules(t)
	if len(want) == 0 {
		t.Fatal("config/rbac/role.yaml has no rules")
	}
	sources := map[string]func(t *testing.T) []rbacv1.PolicyRule{
		"helm chart ClusterRole": func(t *testing.T) []rbacv1.PolicyRule {
			return rulesOf(t, one(t, helmTemplate(t, "mcp-operator", releaseNamespace, ""), "ClusterRole", "mcp-operator-manager"))
		},
		"kustomize config/default ClusterRole": func(t *testing.T) []rbacv1.PolicyRule {
			return rulesOf(t, one(t, kustomizeBuild(t, "default"), "ClusterRole", "mcp-operator-manager-role"))
		},
		"bundle CSV clusterPermissions": func(t *testing.T) []rbacv1.PolicyRule {
			csv := bundleCSV(t)
			if len(csv.Spec.Install.Spec.ClusterPermissions) != 1 {
				t.Fatalf("CSV has %d clusterPermissions, want 1", len(csv.Spec.Install.Spec.ClusterPermissions))
			}
			return csv.Spec.Install.Spec.ClusterPermissions[0].Rules
		},
	}
	for name, get := range sources {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(want, get(t)); diff != "" {
				t.Errorf("rules differ from config/rbac/role.yaml (-want +got); run 'make manifests bundle':\n%s", diff)
			}
		})
	}
}

// TestLeaderElectionRulesAgree checks the chart and the kustomize base grant the same
// leader-election permissions, including Leases, which controller-runtime uses.
func TestLeaderElectionRulesAgree(t *testing.T) {
	chart := rulesOf(t, one(t, helmTemplate(t, "mcp-operator", releaseNamespace, ""), "Role", "mcp-operator-leader-election"))
	kust := rulesOf(t, one(t, kustomizeBuild(t, "default"), "Role", "mcp-operator-leader-election-role"))
	if diff := cmp.Diff(kust, chart); diff != "" {
		t.Errorf("leader-election rules differ between config/rbac and the chart (-kustomize +chart):\n%s", diff)
	}
	leases := false
	for _, r := range chart {
		for _, res := range r.Resources {
			leases = leases || (res == "leases" && len(r.APIGroups) == 1 && r.APIGroups[0] == "coordination.k8s.io")
		}
	}
	if !leases {
		t.Error("leader-election Role does not grant coordination.k8s.io leases")
	}
}
