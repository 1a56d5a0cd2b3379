package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// profileDir is where -profile writes profiles ("" = no profiling).
var profileDir string

// pprofAddrs maps a vmcp /mcp URL to its profiler address (VMCP_PPROF_ADDR).
var pprofAddrs sync.Map

// profileSeconds is how long each profile records.
const profileSeconds = 10

// profileLoad runs load against the vmcp at vmcpURL for profileSeconds while
// recording its CPU and allocation profiles into profileDir/<name>.{cpu,allocs}.pprof.
// load must return when stop is closed. Without -profile it does nothing.
func profileLoad(vmcpURL, name string, load func(stop <-chan struct{}) error) error {
	if profileDir == "" {
		return nil
	}
	v, err := profilerOf(vmcpURL)
	if err != nil {
		return err
	}
	stop := make(chan struct{})
	loadErr := make(chan error, 1)
	go func() { loadErr <- load(stop) }()
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, kind := range []string{"profile", "allocs"} {
		wg.Go(func() {
			errs[i] = fetchProfile(fmt.Sprintf("http://%s/debug/pprof/%s?seconds=%d", v, kind, profileSeconds),
				filepath.Join(profileDir, fmt.Sprintf("%s.%s.pprof", name, map[string]string{"profile": "cpu", "allocs": "allocs"}[kind])))
		})
	}
	wg.Wait()
	close(stop)
	if err := <-loadErr; err != nil {
		return err
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	fmt.Printf("profiles of %s written to %s (go tool pprof -top ...)\n", name, profileDir)
	return nil
}

// profilerOf is the profiler address of the vmcp at vmcpURL, with profileDir created.
func profilerOf(vmcpURL string) (string, error) {
	v, ok := pprofAddrs.Load(vmcpURL)
	if !ok {
		return "", fmt.Errorf("no profiler for %s", vmcpURL)
	}
	return v.(string), os.MkdirAll(profileDir, 0o755)
}

func fetchProfile(u, path string) error {
	hc := &http.Client{Timeout: (profileSeconds + 30) * time.Second}
	resp, err := hc.Get(u)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: HTTP %d", u, resp.StatusCode)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(f, resp.Body)
	return err
}

// profileSnapshot writes the named profiles (heap, goroutine) of the vmcp at
// vmcpURL as they are now into profileDir/<name>.<kind>.pprof. Without -profile it does nothing.
func profileSnapshot(vmcpURL, name string, kinds ...string) error {
	if profileDir == "" {
		return nil
	}
	v, err := profilerOf(vmcpURL)
	if err != nil {
		return err
	}
	for _, kind := range kinds {
		if err := fetchProfile(fmt.Sprintf("http://%s/debug/pprof/%s", v, kind), filepath.Join(profileDir, name+"."+kind+".pprof")); err != nil {
			return err
		}
	}
	fmt.Printf("profiles of %s written to %s\n", name, profileDir)
	return nil
}
