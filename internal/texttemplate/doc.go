// Package texttemplate is Go 1.26's text/template without method calls on
// data: {{.Name}} is a struct field or a map key, never a method. Functions
// (FuncMap) and the rest of the language are unchanged; parsing is
// text/template/parse's.
//
// Why a fork: text/template looks methods up by name at run time
// (reflect.Value.MethodByName), and a binary that can do that makes the linker
// keep every exported method of every type stored in an interface, since any
// of them might be called. In vmcp (workflow templates, pkg/vmcp/composite)
// that kept all of go-redis's commands, the protobuf codecs of Kubernetes'
// core/v1 types and more: the static vmcp binary was 41.7 MB, 30.0 MB without
// both lookups (this fork and the grpcnotrace tag, which drops the other
// caller, golang.org/x/net/trace), and its idle RSS 3 MB higher (31.9-32.7 MB
// against 28.9-29.4 MB with one backend), since the kernel maps a binary's
// file pages in large folios. Workflow data is decoded JSON (maps, slices,
// strings, numbers, booleans), which has no methods a template could call.
//
// The files are the standard library's (BSD licence, LICENSE) with these
// changes: the package name; evalField does not look up methods (exec.go,
// marked "vmcp:"); internal/fmtsort, which only the standard library may
// import, is copied as fmtsort.go with its names unexported.
package texttemplate
