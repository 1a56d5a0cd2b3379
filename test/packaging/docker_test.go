package packaging

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
)

// dockerfile is a parsed Dockerfile: the global ARG defaults and the stages in order.
type dockerfile struct {
	args   map[string]string
	stages []stage
}

type stage struct {
	from, name string
	lines      []string // instructions after FROM, continuations joined
}

// parseDockerfile reads the instructions we need; it knows only what this repository's
// Dockerfile uses (ARG, FROM … AS, line continuations, comments).
func parseDockerfile(t *testing.T) dockerfile {
	t.Helper()
	f, err := os.Open(path("Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	df := dockerfile{args: map[string]string{}}
	var cur strings.Builder
	sc := bufio.NewScanner(f)
	var logical []string
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "#") || (line == "" && cur.Len() == 0) {
			continue
		}
		if strings.HasSuffix(line, `\`) {
			cur.WriteString(strings.TrimSuffix(line, `\`) + " ")
			continue
		}
		cur.WriteString(line)
		logical = append(logical, cur.String())
		cur.Reset()
	}
	fromRE := regexp.MustCompile(`^FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$`)
	for _, l := range logical {
		if m := fromRE.FindStringSubmatch(l); m != nil {
			df.stages = append(df.stages, stage{from: m[1], name: m[2]})
			continue
		}
		if len(df.stages) == 0 {
			if kv, ok := strings.CutPrefix(l, "ARG "); ok {
				k, v, _ := strings.Cut(kv, "=")
				df.args[k] = v
			}
			continue
		}
		last := &df.stages[len(df.stages)-1]
		last.lines = append(last.lines, l)
	}
	return df
}

// expand replaces ${NAME} with the global ARG default.
func (d dockerfile) expand(s string) string {
	return regexp.MustCompile(`\$\{(\w+)\}`).ReplaceAllStringFunc(s, func(m string) string { return d.args[m[2:len(m)-1]] })
}

// commands are the directories of cmd/ holding a main package: one image each.
func commands(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir(path("cmd"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if _, err := os.Stat(path("cmd", e.Name(), "main.go")); e.IsDir() && err == nil {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out
}

// goBuildArgs returns the arguments of the build stage's `go build`.
func goBuildArgs(t *testing.T, d dockerfile) []string {
	t.Helper()
	for _, s := range d.stages {
		for _, l := range s.lines {
			if _, after, ok := strings.Cut(l, "go build "); ok {
				return shellWords(after)
			}
		}
	}
	t.Fatal("the Dockerfile runs no `go build`")
	return nil
}

// shellWords splits a command line on spaces, honouring double quotes.
func shellWords(s string) []string {
	var out []string
	var cur strings.Builder
	quoted, started := false, false
	for _, r := range s {
		switch {
		case r == '"':
			quoted, started = !quoted, true
		case r == ' ' && !quoted:
			if started {
				out = append(out, cur.String())
				cur.Reset()
				started = false
			}
		default:
			cur.WriteRune(r)
			started = true
		}
	}
	if started {
		out = append(out, cur.String())
	}
	return out
}

func TestDockerfileStages(t *testing.T) {
	d := parseDockerfile(t)
	cmds := commands(t)
	if len(cmds) != 3 {
		t.Errorf("cmd/ has %v, want the three binaries manager, proxyrunner, vmcp", cmds)
	}
	byName := map[string]stage{}
	for _, s := range d.stages {
		byName[s.name] = s
	}
	if last := d.stages[len(d.stages)-1].name; last != "manager" {
		t.Errorf("the default (last) stage is %q, want manager", last)
	}
	for _, c := range cmds {
		s, ok := byName[c]
		if !ok {
			t.Errorf("no build target %q for cmd/%s", c, c)
			continue
		}
		base := d.expand(s.from)
		if !strings.HasPrefix(base, "gcr.io/distroless/static") || !strings.HasSuffix(base, ":nonroot") {
			t.Errorf("stage %s is FROM %s, want a distroless static nonroot image", c, base)
		}
		for _, want := range []string{
			"COPY --from=build /out/" + c + " /" + c,
			"USER 65532:65532",
			`ENTRYPOINT ["/` + c + `"]`,
		} {
			if !slices.Contains(s.lines, want) {
				t.Errorf("stage %s lacks %q (has %q)", c, want, s.lines)
			}
		}
	}
	args := goBuildArgs(t, d)
	for _, c := range cmds {
		if !slices.Contains(args, "./cmd/"+c) {
			t.Errorf("go build %v does not build ./cmd/%s", args, c)
		}
	}
	if i := slices.Index(args, "-o"); i < 0 || i+1 >= len(args) || args[i+1] != "/out/" {
		t.Errorf("go build %v must write every binary into /out/", args)
	}
	build := byName["build"]
	if !slices.ContainsFunc(build.lines, func(l string) bool { return strings.Contains(l, "CGO_ENABLED=0") }) {
		t.Error("the build stage must set CGO_ENABLED=0: distroless/static has no libc")
	}
	mod, err := os.ReadFile(path("go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	goVersion := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindSubmatch(mod)
	if goVersion == nil || d.args["GO_VERSION"] != string(goVersion[1]) {
		t.Errorf("Dockerfile GO_VERSION %q does not match go.mod's go %s", d.args["GO_VERSION"], goVersion)
	}
}

// TestDockerfileBuildCompiles runs the Dockerfile's `go build` on a copy of the build
// context filtered by .dockerignore, as `docker build` would (there is no Docker engine
// here): it catches a package the image needs but .dockerignore drops, and a build
// command that no longer compiles.
func TestDockerfileBuildCompiles(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the three binaries; skipped under -short")
	}
	ctx := t.TempDir()
	copyContext(t, ctx, dockerignore(t))
	args := goBuildArgs(t, parseDockerfile(t))
	out := t.TempDir()
	var buildArgs []string
	for i := 0; i < len(args); i++ {
		switch {
		case args[i] == "-o":
			buildArgs = append(buildArgs, "-o", out+string(filepath.Separator))
			i++
		case args[i] == "-trimpath" || strings.HasPrefix(args[i], "-ldflags"):
			// Both change only the binary's metadata; leaving them out reuses the build cache.
		default:
			buildArgs = append(buildArgs, args[i])
		}
	}
	cmd := exec.Command("go", append([]string{"build"}, buildArgs...)...)
	cmd.Dir = ctx
	// The host's CGO/GOOS settings, not the image's CGO_ENABLED=0: the code is pure Go,
	// and matching the other tests' settings reuses their build cache (a CGO_ENABLED=0
	// build recompiles every dependency, minutes on a cold cache).
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local", "GOFLAGS=-buildvcs=false")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %v in the .dockerignore-filtered context: %v\n%s", buildArgs, err, b)
	}
	for _, c := range commands(t) {
		if st, err := os.Stat(filepath.Join(out, c)); err != nil || st.Size() == 0 {
			t.Errorf("go build produced no %s binary: %v", c, err)
		}
	}
}

// dockerignore compiles .dockerignore into matchers of context-relative slash paths.
func dockerignore(t *testing.T) []*regexp.Regexp {
	t.Helper()
	data, err := os.ReadFile(path(".dockerignore"))
	if err != nil {
		t.Fatal(err)
	}
	var out []*regexp.Regexp
	for _, line := range strings.Split(string(data), "\n") {
		p := strings.TrimSpace(line)
		if p == "" || strings.HasPrefix(p, "#") {
			continue
		}
		if strings.HasPrefix(p, "!") {
			t.Fatalf(".dockerignore: exceptions (%s) are not supported by this test's matcher", p)
		}
		out = append(out, globRegexp(strings.TrimPrefix(p, "/")))
	}
	return out
}

// globRegexp translates a .dockerignore pattern (*, ?, **) to an anchored regexp.
func globRegexp(p string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("^")
	for i := 0; i < len(p); i++ {
		switch {
		case strings.HasPrefix(p[i:], "**/"):
			b.WriteString("(.*/)?")
			i += 2
		case strings.HasPrefix(p[i:], "**"):
			b.WriteString(".*")
			i++
		case p[i] == '*':
			b.WriteString("[^/]*")
		case p[i] == '?':
			b.WriteString("[^/]")
		default:
			b.WriteString(regexp.QuoteMeta(string(p[i])))
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}

// copyContext copies the repository into dst, leaving out what .dockerignore excludes
// (a directory that matches excludes everything below it).
func copyContext(t *testing.T, dst string, ignore []*regexp.Regexp) {
	t.Helper()
	err := filepath.WalkDir(repoRoot, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(repoRoot, p)
		if rel == "." {
			return nil
		}
		rel = filepath.ToSlash(rel)
		for _, re := range ignore {
			if re.MatchString(rel) {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
		}
		target := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(target, 0o755)
		case d.Type().IsRegular():
			return copyFile(p, target)
		}
		return nil // symlinks and others: not part of the sources
	})
	if err != nil {
		t.Fatalf("copying the build context: %v", err)
	}
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func TestDockerignoreMatcher(t *testing.T) {
	tests := map[string]struct {
		pattern, path string
		want          bool
	}{
		"top-level dir":          {"bin", "bin", true},
		"not a prefix":           {"bin", "binary", false},
		"nested wildcard":        {"**/*.test", "pkg/a/b.test", true},
		"top-level wildcard":     {"**/*.test", "b.test", true},
		"single star stays flat": {"cover.*", "pkg/cover.out", false},
		"single star":            {"cover.*", "cover.out", true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := globRegexp(tc.pattern).MatchString(tc.path); got != tc.want {
				t.Errorf("%q matches %q = %v, want %v", tc.pattern, tc.path, got, tc.want)
			}
		})
	}
}

// `make build` stamps VERSION into every binary, and each reports it; the Dockerfile
// stamps the same variable and labels each image with it.
func TestBinariesReportVersion(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the three binaries")
	}
	bin := t.TempDir()
	const v = "9.8.7-test"
	if out, err := exec.Command("make", "-C", path(), "build", "VERSION="+v, "BIN="+bin).CombinedOutput(); err != nil {
		t.Fatalf("make build: %v\n%s", err, out)
	}
	for name, args := range map[string][]string{"vmcp": {"version"}, "proxyrunner": {"--version"}, "manager": {"--version"}} {
		out, err := exec.Command(filepath.Join(bin, name), args...).CombinedOutput()
		if err != nil || strings.TrimSpace(string(out)) != name+" "+v {
			t.Errorf("%s %v = %q (%v), want %q", name, args, out, err, name+" "+v)
		}
	}
	df, err := os.ReadFile(path("Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"pkg/version.Version=${VERSION}", `org.opencontainers.image.version="${VERSION}"`} {
		if !strings.Contains(string(df), want) {
			t.Errorf("Dockerfile lacks %s", want)
		}
	}
}
