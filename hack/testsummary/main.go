// Command testsummary reads `go test -json` from stdin and prints a readable report:
// one line per package, the full output of every failed test, and a closing
// "N passed, N failed, N skipped" line. It exits 1 when anything failed.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
)

type event struct {
	Action  string
	Package string
	Test    string
	Output  string
	Elapsed float64
}

func main() {
	var passed, failed, skipped int
	output := map[string]*strings.Builder{} // package/test -> output, kept until the test ends
	var failures []string
	buildFailed := false
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1024*1024), 16*1024*1024)
	for sc.Scan() {
		line := sc.Bytes()
		var e event
		if err := json.Unmarshal(line, &e); err != nil || e.Action == "" {
			// Build errors and other non-JSON lines are printed as they are.
			fmt.Println(string(line))
			if strings.Contains(string(line), "build failed") || strings.HasPrefix(string(line), "#") {
				buildFailed = true
			}
			continue
		}
		key := e.Package + "/" + e.Test
		switch e.Action {
		case "output":
			b := output[key]
			if b == nil {
				b = &strings.Builder{}
				output[key] = b
			}
			b.WriteString(e.Output)
		case "pass", "fail", "skip":
			if e.Test == "" {
				status := map[string]string{"pass": "ok  ", "fail": "FAIL", "skip": "skip"}[e.Action]
				fmt.Printf("%s %s %.1fs\n", status, e.Package, e.Elapsed)
				if e.Action == "fail" {
					if b := output[key]; b != nil && !strings.Contains(b.String(), "--- FAIL") {
						failures = append(failures, "package "+e.Package+":\n"+b.String())
					}
					buildFailed = buildFailed || output[key] == nil
				}
				delete(output, key)
				continue
			}
			switch e.Action {
			case "pass":
				passed++
			case "fail":
				failed++
				if b := output[key]; b != nil {
					failures = append(failures, b.String())
				}
			case "skip":
				skipped++
			}
			delete(output, key)
		}
	}
	sort.Strings(failures)
	for _, f := range failures {
		fmt.Print("\n", f)
	}
	fmt.Printf("\n%d passed, %d failed, %d skipped\n", passed, failed, skipped)
	if failed > 0 || buildFailed || len(failures) > 0 {
		os.Exit(1)
	}
}
