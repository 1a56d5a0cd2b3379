package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/mcp-operator/mcp-operator/internal/doctor"
)

// runDoctor: exit 0 healthy, 1 problems found, 2 usage or connection errors.
func runDoctor(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("doctor", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cf clusterFlags
	cf.register(fs)
	timeout := fs.Duration("timeout", 30*time.Second, "time limit for all checks")
	if err := fs.Parse(reorder(args)); err != nil {
		return 2
	}
	if fs.NArg() > 1 {
		fmt.Fprintln(stderr, "doctor: at most one NAME")
		return 2
	}
	_, cl, ns, err := cf.connect()
	if err != nil {
		fmt.Fprintln(stderr, "doctor:", err)
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	d := &doctor.Doctor{Client: cl, Namespace: ns}
	fs2, err := d.Run(ctx, fs.Arg(0))
	if err != nil {
		fmt.Fprintln(stderr, "doctor:", err)
		return 2
	}
	doctor.Print(stdout, fs2)
	if doctor.Problems(fs2) {
		return 1
	}
	return 0
}

// reorder moves positional arguments after the flags, so `doctor NAME -n NS` works
// as kubectl users expect (the flag package stops at the first positional).
func reorder(args []string) []string {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			pos = append(pos, args[i+1:]...)
			i = len(args)
		case len(a) > 1 && a[0] == '-':
			flags = append(flags, a)
			if !containsEq(a) && i+1 < len(args) && takesValue(a) {
				flags = append(flags, args[i+1])
				i++
			}
		default:
			pos = append(pos, a)
		}
	}
	return append(flags, pos...)
}

func containsEq(s string) bool {
	for _, r := range s {
		if r == '=' {
			return true
		}
	}
	return false
}

// takesValue lists the flags of doctor and tools that take a value.
func takesValue(f string) bool {
	switch f {
	case "-n", "--n", "-namespace", "--namespace", "-kubeconfig", "--kubeconfig", "-context", "--context", "-timeout", "--timeout", "-url", "--url":
		return true
	}
	return false
}
