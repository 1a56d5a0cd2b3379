package convert_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/mcp-operator/mcp-operator/internal/convert"
)

// TestRunConfigRefused: inputs the cluster cannot run are refused with a message
// naming the problem.
func TestRunConfigRefused(t *testing.T) {
	cases := map[string]struct {
		in   map[string]any
		opts convert.Options
		want string
	}{
		"missing image":         {in: base(map[string]any{"image": ""}), want: "image is empty"},
		"relative host path":    {in: base(map[string]any{"volumes": []string{"./rel:/data"}}), want: `host path "./rel" is relative`},
		"unsplittable volume":   {in: base(map[string]any{"volumes": []string{"/a:/b:c:d"}}), want: "is not host:container"},
		"windows volume":        {in: base(map[string]any{"volumes": []string{`C:\data:/data`}}), want: "Windows drive path"},
		"scheme volume":         {in: base(map[string]any{"volumes": []string{"tmpfs://x:/y"}}), want: "scheme://"},
		"inspector transport":   {in: base(map[string]any{"transport": "inspector"}), want: `transport "inspector"`},
		"no usable name":        {in: base(map[string]any{"base_name": "___", "name": ""}), want: "no usable name"},
		"protocol image":        {in: base(map[string]any{"image": "uvx://mcp-server-fetch"}), want: "protocol build"},
		"metadata remote":       {in: base(map[string]any{"image": "", "remote_url": "http://169.254.169.254/mcp"}), want: "always refused"},
		"loopback remote":       {in: base(map[string]any{"image": "", "remote_url": "http://127.0.0.1:8080/mcp"}), want: "loopback"},
		"entry without group":   {in: base(map[string]any{"image": "", "remote_url": "https://x.example.com/mcp"}), opts: convert.Options{AsEntry: true}, want: "--as-entry needs a group"},
		"bad secret":            {in: base(map[string]any{"secrets": []string{"nope"}}), opts: convert.Options{Strict: true}, want: "--strict"},
		"sampling rate numeric": {in: base(map[string]any{"telemetry_config": map[string]any{"samplingRate": 0.5}}), want: "samplingRate"},
		"proxy read timeout":    {in: base(map[string]any{"proxy_read_timeout": "5 minutes"}), want: "proxy_read_timeout"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := convert.Convert(mustJSON(t, tc.in), tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestLoopbackAllowedForLocalControlPlane(t *testing.T) {
	res, err := convert.Convert(mustJSON(t, base(map[string]any{"image": "", "remote_url": "http://127.0.0.1:8080/mcp"})), convert.Options{AllowLoopback: true})
	if err != nil {
		t.Fatal(err)
	}
	if k := res.Objects[len(res.Objects)-1].GetObjectKind().GroupVersionKind().Kind; k != "MCPRemoteProxy" {
		t.Fatalf("kind %s", k)
	}
}

// TestStrict: a lossless input passes --strict; a lossy one fails and names every field.
func TestStrict(t *testing.T) {
	if _, err := convert.Convert(mustJSON(t, base(map[string]any{"env_vars": map[string]string{"A": "1"}, "group": "g"})), convert.Options{Strict: true}); err != nil {
		t.Fatalf("lossless input refused: %v", err)
	}
	res, err := convert.Convert(mustJSON(t, base(map[string]any{"session_ttl": "1h", "debug": true})), convert.Options{Strict: true})
	var se *convert.StrictError
	if !errors.As(err, &se) || res == nil {
		t.Fatalf("err = %v, want a StrictError with the result", err)
	}
	for _, f := range []string{"session_ttl", "debug"} {
		if !strings.Contains(err.Error(), f) {
			t.Errorf("strict error does not name %s: %v", f, err)
		}
	}
}

// TestOriginalPairA is the fact sheet's pair A: the fields the original maps come
// out the same (plus what it drops, now kept), env sorted.
func TestOriginalPairA(t *testing.T) {
	data, err := os.ReadFile("testdata/pair-a.json")
	if err != nil {
		t.Fatal(err)
	}
	res, err := convert.Convert(data, convert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := convert.YAML(res.Objects)
	want, err := os.ReadFile("testdata/pair-a.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Fatalf("output differs from testdata/pair-a.yaml:\n%s", got)
	}
	if len(res.Report.Commands) != 1 || !strings.Contains(res.Report.Commands[0], "ledger-token") {
		t.Errorf("commands: %v", res.Report.Commands)
	}
}
