package mcpoptimizer

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// KubectlProxyURL is where the optimizer looks for the API server when
// nothing else is configured: a `kubectl proxy` on this machine.
const KubectlProxyURL = "http://127.0.0.1:8001"

// serviceAccountDir holds the pod's token, CA and namespace in a cluster.
var serviceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount"

// Env is the optimizer's configuration, from its environment (seed 002).
type Env struct {
	// APIServerURL is K8S_API_SERVER_URL; empty means auto-detect.
	APIServerURL string
	// Namespace is K8S_NAMESPACE: the one namespace to read when AllNamespaces is false.
	Namespace string
	// AllNamespaces is K8S_ALL_NAMESPACES (default true; false when K8S_NAMESPACE is set).
	AllNamespaces bool
	// AllowedGroups is ALLOWED_GROUPS (comma list); empty means every group.
	AllowedGroups []string
	// Port is MCP_PORT (default 9900), where find_tool / call_tool are served at /mcp.
	Port int
	// Interval is INGESTION_INTERVAL (default 60s): a full re-ingestion even
	// without MCPServer changes (a server's tools can change without its status).
	Interval time.Duration
}

// ParseEnv reads the configuration; RUNTIME_MODE must be k8s.
func ParseEnv(getenv func(string) string) (Env, error) {
	if m := getenv("RUNTIME_MODE"); m != "k8s" {
		return Env{}, fmt.Errorf("RUNTIME_MODE is %q: this optimizer runs in Kubernetes mode only; set RUNTIME_MODE=k8s", m)
	}
	e := Env{APIServerURL: getenv("K8S_API_SERVER_URL"), Namespace: getenv("K8S_NAMESPACE"), AllNamespaces: true, Port: 9900, Interval: time.Minute}
	if v := getenv("K8S_ALL_NAMESPACES"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return Env{}, fmt.Errorf("K8S_ALL_NAMESPACES=%q is not true or false", v)
		}
		e.AllNamespaces = b
	}
	if e.Namespace != "" {
		e.AllNamespaces = false
	}
	for _, g := range strings.Split(getenv("ALLOWED_GROUPS"), ",") {
		if g = strings.TrimSpace(g); g != "" {
			e.AllowedGroups = append(e.AllowedGroups, g)
		}
	}
	if v := getenv("MCP_PORT"); v != "" {
		p, err := strconv.Atoi(v)
		if err != nil || p < 1 || p > 65535 {
			return Env{}, fmt.Errorf("MCP_PORT=%q is not a port", v)
		}
		e.Port = p
	}
	if v := getenv("INGESTION_INTERVAL"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return Env{}, fmt.Errorf("INGESTION_INTERVAL=%q is not a positive duration", v)
		}
		e.Interval = d
	}
	return e, nil
}

// RestConfig finds the API server, in the seed's order: K8S_API_SERVER_URL
// (with the kubeconfig's credentials, if there is one); in cluster, from
// KUBERNETES_SERVICE_HOST / KUBERNETES_SERVICE_PORT_HTTPS with the pod's
// service-account token and CA; a kubeconfig; else a kubectl proxy at
// KubectlProxyURL. It also returns how it decided, for the log.
func RestConfig(e Env, getenv func(string) string) (*rest.Config, string, error) {
	kubeconfig := getenv("KUBECONFIG")
	if kubeconfig == "" {
		if home, err := os.UserHomeDir(); err == nil {
			kubeconfig = filepath.Join(home, ".kube", "config")
		}
	}
	_, statErr := os.Stat(kubeconfig)
	haveKubeconfig := kubeconfig != "" && statErr == nil
	if e.APIServerURL != "" {
		if haveKubeconfig {
			cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(
				&clientcmd.ClientConfigLoadingRules{ExplicitPath: kubeconfig},
				&clientcmd.ConfigOverrides{ClusterInfo: clientcmdCluster(e.APIServerURL)}).ClientConfig()
			if err == nil {
				return cfg, "K8S_API_SERVER_URL with kubeconfig credentials", nil
			}
		}
		return &rest.Config{Host: e.APIServerURL}, "K8S_API_SERVER_URL", nil
	}
	if host := getenv("KUBERNETES_SERVICE_HOST"); host != "" {
		port := getenv("KUBERNETES_SERVICE_PORT_HTTPS")
		if port == "" {
			port = getenv("KUBERNETES_SERVICE_PORT")
		}
		token, err := os.ReadFile(filepath.Join(serviceAccountDir, "token"))
		if err != nil {
			return nil, "", fmt.Errorf("in cluster, reading the service account token: %w", err)
		}
		return &rest.Config{
			Host: "https://" + host + ":" + port, BearerToken: string(token),
			TLSClientConfig: rest.TLSClientConfig{CAFile: filepath.Join(serviceAccountDir, "ca.crt")},
		}, "in-cluster service account", nil
	}
	if haveKubeconfig {
		cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
		if err != nil {
			return nil, "", fmt.Errorf("kubeconfig %s: %w", kubeconfig, err)
		}
		return cfg, "kubeconfig " + kubeconfig, nil
	}
	return &rest.Config{Host: KubectlProxyURL}, "kubectl proxy fallback", nil
}

// PodNamespace is the namespace of the pod the optimizer runs in, if any.
func PodNamespace() string {
	b, err := os.ReadFile(filepath.Join(serviceAccountDir, "namespace"))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

func clientcmdCluster(server string) clientcmdapi.Cluster {
	return clientcmdapi.Cluster{Server: server}
}
