package attach

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"sync"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/httpstream"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/remotecommand"

	"github.com/mcp-operator/mcp-operator/pkg/proxy/stdio"
)

// ExecutorFunc builds the remotecommand executor for an attach URL (tests replace it).
type ExecutorFunc func(cfg *rest.Config, u *url.URL) (remotecommand.Executor, error)

// Dialer attaches to Container of Pod in Namespace.
type Dialer struct {
	Config *rest.Config
	Client kubernetes.Interface
	// REST builds the attach URL (nil = Client's core/v1 REST client).
	REST      rest.Interface
	Namespace string
	Pod       string
	Container string
	// Stderr receives the container's stderr (nil = discarded).
	Stderr io.Writer
	// NewExecutor defaults to WebSocket with fallback to SPDY.
	NewExecutor ExecutorFunc
}

var _ stdio.Dialer = (*Dialer)(nil)

// NewDialer builds a Dialer from cfg.
func NewDialer(cfg *rest.Config, namespace, pod, container string) (*Dialer, error) {
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	return &Dialer{Config: cfg, Client: cs, Namespace: namespace, Pod: pod, Container: container}, nil
}

// String implements stdio.Dialer.
func (d *Dialer) String() string {
	return fmt.Sprintf("pods/attach %s/%s container %s", d.Namespace, d.Pod, d.Container)
}

// Request builds the pods/attach request: stdin and stdout (and stderr, for logs), no TTY.
func Request(client rest.Interface, namespace, pod, container string) *rest.Request {
	return client.Post().Resource("pods").Namespace(namespace).Name(pod).SubResource("attach").
		VersionedParams(&corev1.PodAttachOptions{
			Container: container, Stdin: true, Stdout: true, Stderr: true, TTY: false,
		}, scheme.ParameterCodec)
}

// DefaultExecutor tries WebSocket (Kubernetes >= 1.30) and falls back to SPDY.
func DefaultExecutor(cfg *rest.Config, u *url.URL) (remotecommand.Executor, error) {
	ws, err := remotecommand.NewWebSocketExecutor(cfg, "GET", u.String())
	if err != nil {
		return nil, err
	}
	spdy, err := remotecommand.NewSPDYExecutor(cfg, "POST", u)
	if err != nil {
		return nil, err
	}
	return remotecommand.NewFallbackExecutor(ws, spdy, func(err error) bool {
		return httpstream.IsUpgradeFailure(err) || httpstream.IsHTTPSProxyError(err)
	})
}

// Dial checks that the container is running, then attaches.
func (d *Dialer) Dial(ctx context.Context) (stdio.Stream, error) {
	if err := d.checkRunning(ctx); err != nil {
		return nil, err
	}
	rc := d.REST
	if rc == nil {
		rc = d.Client.CoreV1().RESTClient()
	}
	u := Request(rc, d.Namespace, d.Pod, d.Container).URL()
	newExec := d.NewExecutor
	if newExec == nil {
		newExec = DefaultExecutor
	}
	ex, err := newExec(d.Config, u)
	if err != nil {
		return nil, fmt.Errorf("attach %s: %w", d, err)
	}
	return Start(ctx, ex, d.Stderr), nil
}

func (d *Dialer) checkRunning(ctx context.Context) error {
	pod, err := d.Client.CoreV1().Pods(d.Namespace).Get(ctx, d.Pod, metav1.GetOptions{})
	if err != nil {
		return fmt.Errorf("get pod %s/%s: %w", d.Namespace, d.Pod, err)
	}
	if pod.Status.Phase != corev1.PodRunning {
		return fmt.Errorf("pod %s/%s is %s, not Running", d.Namespace, d.Pod, pod.Status.Phase)
	}
	for _, cs := range pod.Status.ContainerStatuses {
		if cs.Name == d.Container {
			if cs.State.Running == nil {
				return fmt.Errorf("container %s of pod %s/%s is not running", d.Container, d.Namespace, d.Pod)
			}
			return nil
		}
	}
	return fmt.Errorf("pod %s/%s has no container %q", d.Namespace, d.Pod, d.Container)
}

// Start runs ex in the background and returns its stdin/stdout as a Stream. The
// stream ends (reads fail, writes fail) when the attach session ends.
func Start(ctx context.Context, ex remotecommand.Executor, stderr io.Writer) stdio.Stream {
	if stderr == nil {
		stderr = io.Discard
	}
	ctx, cancel := context.WithCancel(ctx)
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	s := &stream{in: inW, out: outR, cancel: cancel, done: make(chan struct{})}
	go func() {
		err := ex.StreamWithContext(ctx, remotecommand.StreamOptions{Stdin: inR, Stdout: outW, Stderr: stderr})
		if err == nil {
			err = io.EOF
		}
		s.err = err
		// Unblock both directions: the reader sees the end, writers fail instead of hanging.
		outW.CloseWithError(err)
		inR.CloseWithError(err)
		close(s.done)
	}()
	return s
}

type stream struct {
	in     *io.PipeWriter
	out    *io.PipeReader
	cancel context.CancelFunc
	done   chan struct{}
	err    error
	once   sync.Once
}

func (s *stream) Read(p []byte) (int, error)  { return s.out.Read(p) }
func (s *stream) Write(p []byte) (int, error) { return s.in.Write(p) }

// Close ends the attach session and returns why it ended.
func (s *stream) Close() error {
	s.once.Do(func() {
		s.in.Close()
		s.cancel()
		<-s.done
		s.out.Close()
	})
	if s.err == io.EOF || s.err == context.Canceled {
		return nil
	}
	return s.err
}
