// Package architecture holds the test that keeps the parts of docs/architecture.md
// apart: it fails on an import against the allowed directions.
package architecture

import (
	"bufio"
	"bytes"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/mcp-operator/mcp-operator"

// rule forbids packages under from (a module-relative prefix) to import any package
// under one of the forbidden prefixes, unless it is listed in except.
type rule struct {
	from, why string
	forbidden []string
	except    []string
}

var rules = []rule{
	{from: "pkg/", why: "the runtime libraries (vmcp, proxy runner, auth) never depend on the operator",
		forbidden: []string{"controllers", "cmd/", "internal/render", "internal/localcp", "helm-charts"}},
	{from: "pkg/proxy/", why: "the proxy runner talks to the API over REST and does not link the typed API",
		forbidden: []string{"api/v1alpha1", "api/v1beta1"}},
	{from: "api/", why: "the API types are a leaf: only the vmcp config they embed as spec.config",
		forbidden: []string{"controllers", "internal/render", "pkg/proxy", "pkg/vmcp", "pkg/auth", "cmd/"},
		except:    []string{"pkg/vmcp/config"}},
	{from: "controllers", why: "controllers decide and render; they never run a gateway or a proxy",
		forbidden: []string{"cmd/", "pkg/vmcp/gateway", "pkg/vmcp/backend", "pkg/proxy/runner", "bench/", "test/", "hack/"}},
	{from: "internal/render", why: "rendering is generic: it knows charts and objects, not kinds",
		forbidden: []string{"controllers", "api/", "pkg/", "cmd/"}},
	{from: "internal/ssrf", why: "the URL rules are a leaf every part may use",
		forbidden: []string{"controllers", "api/", "pkg/", "cmd/", "internal/render"}},
	{from: "cmd/", why: "binaries are entry points; no binary imports another",
		forbidden: []string{"cmd/", "test/", "bench/", "hack/"}},
}

// listImports returns each package of the module (module-relative) with its direct
// imports inside the module; with deps, every transitive dependency instead (all
// modules).
func listImports(t *testing.T, deps bool, patterns ...string) map[string][]string {
	t.Helper()
	args := []string{"list", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`}
	if deps {
		args = []string{"list", "-deps", "-f", `{{.ImportPath}}`}
	}
	cmd := exec.Command("go", append(args, patterns...)...)
	cmd.Dir = "../.."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go %s: %v", strings.Join(args, " "), err)
	}
	res := map[string][]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		if deps {
			res[patterns[0]] = append(res[patterns[0]], f[0])
			continue
		}
		var in []string
		for _, imp := range f[1:] {
			if rel, ok := strings.CutPrefix(imp, module+"/"); ok {
				in = append(in, rel)
			}
		}
		res[strings.TrimPrefix(strings.TrimPrefix(f[0], module), "/")] = in
	}
	return res
}

func under(pkg, prefix string) bool {
	if strings.HasSuffix(prefix, "/") {
		return strings.HasPrefix(pkg, prefix)
	}
	return pkg == prefix || strings.HasPrefix(pkg, prefix+"/")
}

// violations is the pure decision: every import of pkgs that a rule forbids.
func violations(pkgs map[string][]string, rules []rule) []string {
	var out []string
	for pkg, imports := range pkgs {
		for _, r := range rules {
			if !under(pkg, r.from) {
				continue
			}
			for _, imp := range imports {
				if under(imp, r.from) && r.from != "cmd/" {
					continue // a part may use its own packages
				}
				for _, f := range r.forbidden {
					if under(imp, f) && !excepted(imp, r.except) {
						out = append(out, pkg+" imports "+imp+": "+r.why)
					}
				}
			}
		}
	}
	return out
}

func excepted(imp string, except []string) bool {
	for _, e := range except {
		if under(imp, e) {
			return true
		}
	}
	return false
}

func TestImportDirections(t *testing.T) {
	for _, v := range violations(listImports(t, false, "./..."), rules) {
		t.Error(v)
	}
}

// The rules themselves catch what they should (so the test above can fail).
func TestViolations(t *testing.T) {
	tests := []struct {
		name string
		pkgs map[string][]string
		want int
	}{
		{"vmcp imports controllers", map[string][]string{"pkg/vmcp/gateway": {"controllers"}}, 1},
		{"proxy links the API", map[string][]string{"pkg/proxy/toolreport": {"api/v1alpha1"}}, 1},
		{"proxy names the group", map[string][]string{"pkg/proxy/toolreport": {"api/group"}}, 0},
		{"api embeds the vmcp config", map[string][]string{"api/v1alpha1": {"pkg/vmcp/config"}}, 0},
		{"api imports the gateway", map[string][]string{"api/v1alpha1": {"pkg/vmcp/gateway"}}, 1},
		{"controllers run a gateway", map[string][]string{"controllers": {"pkg/vmcp/gateway", "internal/render"}}, 1},
		{"one binary imports another", map[string][]string{"cmd/vmcp": {"cmd/manager"}}, 1},
		{"render knows a kind", map[string][]string{"internal/render": {"api/v1alpha1"}}, 1},
		{"controllers prefix is not controllersx", map[string][]string{"pkg/x": {"controllersx"}}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := violations(tc.pkgs, rules); len(got) != tc.want {
				t.Fatalf("got %d violations %v, want %d", len(got), got, tc.want)
			}
		})
	}
}

// The proxy runner and vmcp do not link controller-runtime or the typed API: they run
// in every MCP server pod, so their size and start-up matter.
func TestBinariesStaySmall(t *testing.T) {
	for _, bin := range []string{"./cmd/proxyrunner", "./cmd/vmcp"} {
		for _, dep := range listImports(t, true, bin)[bin] {
			if strings.HasPrefix(dep, "sigs.k8s.io/controller-runtime") {
				t.Errorf("%s links %s", bin, dep)
			}
			if bin == "./cmd/proxyrunner" && (strings.HasPrefix(dep, module+"/api/v1")) {
				t.Errorf("%s links %s", bin, dep)
			}
		}
	}
}
