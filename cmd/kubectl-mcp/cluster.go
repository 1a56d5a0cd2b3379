package main

import (
	"flag"
	"fmt"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/mcp-operator/mcp-operator/internal/doctor"
)

// clusterFlags are the kubectl-style connection flags of doctor and tools.
type clusterFlags struct {
	kubeconfig, context, namespace string
}

func (c *clusterFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.kubeconfig, "kubeconfig", "", "kubeconfig file (default: $KUBECONFIG or ~/.kube/config)")
	fs.StringVar(&c.context, "context", "", "kubeconfig context")
	fs.StringVar(&c.namespace, "n", "", "namespace (default: the context's namespace)")
	fs.StringVar(&c.namespace, "namespace", "", "same as -n")
}

// connect returns the REST config, a client with the doctor's scheme and the namespace.
func (c *clusterFlags) connect() (*rest.Config, client.Client, string, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	rules.ExplicitPath = c.kubeconfig
	cc := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{CurrentContext: c.context})
	cfg, err := cc.ClientConfig()
	if err != nil {
		return nil, nil, "", fmt.Errorf("loading kubeconfig: %w", err)
	}
	ns := c.namespace
	if ns == "" {
		if ns, _, err = cc.Namespace(); err != nil {
			return nil, nil, "", fmt.Errorf("reading the context's namespace: %w", err)
		}
	}
	cl, err := client.New(cfg, client.Options{Scheme: doctor.Scheme()})
	if err != nil {
		return nil, nil, "", fmt.Errorf("creating a client: %w", err)
	}
	return cfg, cl, ns, nil
}
