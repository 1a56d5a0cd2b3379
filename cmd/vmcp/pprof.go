package main

import (
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"time"

	"go.uber.org/zap"
)

// envPprofAddr names a loopback address on which vmcp serves the Go profiler
// (/debug/pprof/), for measuring where a call's CPU and allocations go. Unset
// (the default) serves nothing; a non-loopback address is refused, since
// profiles expose the process's memory layout.
const envPprofAddr = "VMCP_PPROF_ADDR"

// servePprof starts the profiler on $VMCP_PPROF_ADDR when it is set.
func servePprof(log *zap.Logger) {
	addr := os.Getenv(envPprofAddr)
	if addr == "" {
		return
	}
	host, _, err := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		log.Error("Not serving the profiler: "+envPprofAddr+" must be a loopback IP and port", zap.String("address", addr))
		return
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.ListenAndServe(); err != nil {
			log.Error("Profiler stopped", zap.Error(err))
		}
	}()
}
