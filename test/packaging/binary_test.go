package packaging

import (
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestBinaryKeepsNoReflectedMethods: vmcp, built with the Dockerfile's build
// tags, links nothing that looks methods up by name at run time (text/template
// executing templates, golang.org/x/net/trace's html/template pages, ...). One
// such call makes the linker keep every exported method of every type stored
// in an interface: vmcp grew from 30 MB to 42 MB and its idle RSS by 3 MB (see
// internal/jsontemplate). The Makefile's GO_TAGS must be the Dockerfile's tags.
func TestBinaryKeepsNoReflectedMethods(t *testing.T) {
	if testing.Short() {
		t.Skip("links cmd/vmcp; skipped under -short")
	}
	args := goBuildArgs(t, parseDockerfile(t))
	tags := ""
	for i, a := range args {
		if a == "-tags" && i+1 < len(args) {
			tags = args[i+1]
		} else if v, ok := strings.CutPrefix(a, "-tags="); ok {
			tags = v
		}
	}
	if !slices.Contains(strings.Split(tags, ","), "grpcnotrace") {
		t.Errorf("the Dockerfile's go build has -tags %q, without grpcnotrace", tags)
	}
	makefile, err := os.ReadFile(path("Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	goTags := ""
	if m := regexp.MustCompile(`(?m)^GO_TAGS \?= (.*)$`).FindSubmatch(makefile); m != nil {
		goTags = string(m[1])
	}
	if goTags != tags {
		t.Errorf("the Makefile's GO_TAGS is %q, the Dockerfile's -tags %q", goTags, tags)
	}

	// -dumpdep prints the linker's reachability graph, marking functions that
	// call reflect's method lookups <ReflectMethod>.
	cmd := exec.Command("go", "build", "-tags", tags, "-ldflags=-dumpdep", "-o", os.DevNull, "./cmd/vmcp")
	cmd.Dir = repoRoot
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local", "GOFLAGS=-buildvcs=false")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go build -ldflags=-dumpdep ./cmd/vmcp: %v\n%.2000s", err, out)
	}
	var callers []string
	for _, l := range strings.Split(string(out), "\n") {
		if from, _, ok := strings.Cut(l, " <ReflectMethod> -> "); ok && !slices.Contains(callers, from) {
			callers = append(callers, from)
		}
	}
	if len(callers) > 0 {
		t.Errorf("vmcp links method lookups by name, so the linker keeps every exported method: %v", callers)
	}
}
