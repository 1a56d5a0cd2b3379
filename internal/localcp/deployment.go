package localcp

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// DeploymentOptions say which Deployment to run locally and how.
type DeploymentOptions struct {
	// Client reads the Deployment, its ConfigMaps and Secrets and writes its status.
	Client client.Client
	// Namespace and Name of the Deployment.
	Namespace, Name string
	// Container to run (its image is replaced by Binary).
	Container string
	// Binary is the local executable standing in for the container image.
	Binary string
	// Port the process listens on at 127.0.0.1; --host and --port args are rewritten to it.
	Port int
	// ReadyPath is the HTTP readiness endpoint probed on Port (e.g. /readyz).
	ReadyPath string
	// Kubeconfig is passed as KUBECONFIG (the process runs outside the cluster).
	Kubeconfig string
	// Dir receives the mounted ConfigMaps' files.
	Dir string
	// Out receives the process's output.
	Out io.Writer
}

// Deployment is a Deployment's container running as a local process. It restarts
// the process when the pod template or a mounted ConfigMap changes (as a rollout
// would), and keeps the Deployment's status (replicas, Available) equal to what the
// process's readiness endpoint says, since no kubelet or controller-manager runs.
type Deployment struct {
	o      DeploymentOptions
	cancel context.CancelFunc
	done   chan struct{}

	mu       sync.Mutex
	proc     *Process
	revision string
	ready    bool
	restarts int
}

// RunDeployment starts the stand-in loop; it returns at once.
func RunDeployment(ctx context.Context, o DeploymentOptions) *Deployment {
	ctx, cancel := context.WithCancel(ctx)
	d := &Deployment{o: o, cancel: cancel, done: make(chan struct{})}
	go d.loop(ctx)
	return d
}

// Stop ends the loop and the process.
func (d *Deployment) Stop() {
	d.cancel()
	<-d.done
	d.mu.Lock()
	defer d.mu.Unlock()
	_ = d.proc.Stop(5 * time.Second)
}

// Restarts is the number of times the process was (re)started.
func (d *Deployment) Restarts() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.restarts
}

func (d *Deployment) loop(ctx context.Context) {
	defer close(d.done)
	for {
		if err := d.sync(ctx); err != nil && ctx.Err() == nil {
			fmt.Fprintf(d.o.Out, "localcp: deployment %s/%s: %v\n", d.o.Namespace, d.o.Name, err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// sync (re)starts the process when the desired revision changed and writes the status.
func (d *Deployment) sync(ctx context.Context) error {
	dep := &appsv1.Deployment{}
	if err := d.o.Client.Get(ctx, types.NamespacedName{Namespace: d.o.Namespace, Name: d.o.Name}, dep); err != nil {
		return client.IgnoreNotFound(err)
	}
	spec, err := d.podSpec(ctx, dep)
	if err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if spec.revision != d.revision || d.proc == nil || d.proc.Exited() {
		_ = d.proc.Stop(5 * time.Second)
		p, err := StartProcess(d.o.Binary, d.o.Out, spec.env, spec.args...)
		if err != nil {
			return err
		}
		d.proc, d.revision = p, spec.revision
		d.restarts++
	}
	d.ready = d.probe()
	return d.writeStatus(ctx, dep, d.ready)
}

// localPod is what the process needs: args with local paths, env, and a revision.
type localPod struct {
	args     []string
	env      []string
	revision string
}

// podSpec materialises the container's mounted ConfigMaps under Dir and resolves
// its args and env (values, Secret and ConfigMap references, $(VAR) expansion).
func (d *Deployment) podSpec(ctx context.Context, dep *appsv1.Deployment) (localPod, error) {
	var c *corev1.Container
	for i := range dep.Spec.Template.Spec.Containers {
		if dep.Spec.Template.Spec.Containers[i].Name == d.o.Container {
			c = &dep.Spec.Template.Spec.Containers[i]
		}
	}
	if c == nil {
		return localPod{}, fmt.Errorf("no container %q", d.o.Container)
	}
	h := sha256.New()
	tmpl, _ := json.Marshal(dep.Spec.Template)
	h.Write(tmpl)
	mounts := map[string]string{}
	for _, m := range c.VolumeMounts {
		files, err := d.volumeFiles(ctx, dep, m.Name)
		if err != nil {
			return localPod{}, err
		}
		local := filepath.Join(d.o.Dir, m.Name)
		if err := os.MkdirAll(local, 0o755); err != nil {
			return localPod{}, err
		}
		// Like the kubelet, a ConfigMap change updates the mounted files in place; only
		// a pod template change (e.g. its config-hash annotation) restarts the process.
		for name, data := range files {
			if err := writeIfChanged(filepath.Join(local, name), data); err != nil {
				return localPod{}, err
			}
		}
		mounts[m.MountPath] = local
	}
	env, err := d.env(ctx, c.Env)
	if err != nil {
		return localPod{}, err
	}
	h.Write([]byte(strings.Join(env, "\n")))
	args := make([]string, 0, len(c.Args))
	for _, a := range append(append([]string{}, c.Command...), c.Args...) {
		switch {
		case strings.HasPrefix(a, "--host="):
			a = "--host=127.0.0.1"
		case strings.HasPrefix(a, "--port="):
			a = fmt.Sprintf("--port=%d", d.o.Port)
		}
		for path, local := range mounts {
			a = strings.ReplaceAll(a, path, local)
		}
		args = append(args, a)
	}
	env = append(env, "KUBECONFIG="+d.o.Kubeconfig)
	return localPod{args: args, env: env, revision: hex.EncodeToString(h.Sum(nil))}, nil
}

// volumeFiles returns the files of a ConfigMap volume.
func (d *Deployment) volumeFiles(ctx context.Context, dep *appsv1.Deployment, volume string) (map[string]string, error) {
	for _, v := range dep.Spec.Template.Spec.Volumes {
		if v.Name != volume {
			continue
		}
		if v.ConfigMap == nil {
			return nil, nil // emptyDir and others: an empty local directory
		}
		cm := &corev1.ConfigMap{}
		if err := d.o.Client.Get(ctx, types.NamespacedName{Namespace: dep.Namespace, Name: v.ConfigMap.Name}, cm); err != nil {
			return nil, fmt.Errorf("ConfigMap %s of volume %s: %w", v.ConfigMap.Name, volume, err)
		}
		return cm.Data, nil
	}
	return nil, fmt.Errorf("volume %q is not defined", volume)
}

// env resolves the container's env the way the kubelet does, in order.
func (d *Deployment) env(ctx context.Context, vars []corev1.EnvVar) ([]string, error) {
	seen := map[string]string{}
	var out []string
	for _, e := range vars {
		v := e.Value
		if s := e.ValueFrom; s != nil && s.SecretKeyRef != nil {
			sec := &corev1.Secret{}
			if err := d.o.Client.Get(ctx, types.NamespacedName{Namespace: d.o.Namespace, Name: s.SecretKeyRef.Name}, sec); err != nil {
				return nil, fmt.Errorf("env %s: Secret %s: %w", e.Name, s.SecretKeyRef.Name, err)
			}
			v = string(sec.Data[s.SecretKeyRef.Key])
		} else {
			for k, val := range seen {
				v = strings.ReplaceAll(v, "$("+k+")", val)
			}
		}
		seen[e.Name] = v
		out = append(out, e.Name+"="+v)
	}
	return out, nil
}

// probe asks the readiness endpoint.
func (d *Deployment) probe() bool {
	c := http.Client{Timeout: 2 * time.Second}
	resp, err := c.Get(fmt.Sprintf("http://127.0.0.1:%d%s", d.o.Port, d.o.ReadyPath))
	if err != nil {
		return false
	}
	_ = resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// writeStatus sets the Deployment's status as the Deployment controller would for
// one replica with the given readiness; it writes only on a change.
func (d *Deployment) writeStatus(ctx context.Context, dep *appsv1.Deployment, ready bool) error {
	n := int32(0)
	status, reason := corev1.ConditionFalse, "MinimumReplicasUnavailable"
	if ready {
		n, status, reason = 1, corev1.ConditionTrue, "MinimumReplicasAvailable"
	}
	want := dep.DeepCopy()
	want.Status.ObservedGeneration = dep.Generation
	want.Status.Replicas, want.Status.UpdatedReplicas = 1, 1
	want.Status.ReadyReplicas, want.Status.AvailableReplicas = n, n
	want.Status.UnavailableReplicas = 1 - n
	cond := appsv1.DeploymentCondition{Type: appsv1.DeploymentAvailable, Status: status, Reason: reason,
		Message: "run locally by localcp (no kubelet)", LastUpdateTime: metav1.Now(), LastTransitionTime: metav1.Now()}
	var conds []appsv1.DeploymentCondition
	for _, c := range dep.Status.Conditions {
		if c.Type == appsv1.DeploymentAvailable {
			if c.Status == status {
				cond.LastTransitionTime, cond.LastUpdateTime = c.LastTransitionTime, c.LastUpdateTime
			}
			continue
		}
		conds = append(conds, c)
	}
	want.Status.Conditions = append(conds, cond)
	if equalStatus(dep.Status, want.Status) {
		return nil
	}
	return d.o.Client.Status().Patch(ctx, want, client.MergeFrom(dep))
}

func equalStatus(a, b appsv1.DeploymentStatus) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

func writeIfChanged(path, data string) error {
	if old, err := os.ReadFile(path); err == nil && string(old) == data {
		return nil
	}
	return os.WriteFile(path, []byte(data), 0o644)
}
