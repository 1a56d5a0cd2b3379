// Package render turns a resource's typed chart values into applied Kubernetes objects.
//
// It is the reusable rendering engine of every controller whose children are templated by
// a Helm chart (MCPServer, MCPRemoteProxy, VirtualMCPServer, …):
//
//   - LoadWatches reads watches.yaml (the helm-operator-plugins schema: group, version,
//     kind, chart, overrideValues) and LoadCharts loads each named chart once, from the
//     embedded helm-charts or from a directory given by --charts-dir.
//   - Renderer.Render executes the chart with helm's engine for one resource (release name =
//     resource name) and decodes the documents into unstructured objects.
//   - MergePodTemplate strategic-merges a user's podTemplateSpec into a rendered workload.
//   - Applier.Apply server-side applies the objects with one field manager, a controller
//     owner reference and the app.kubernetes.io labels, skips objects whose live copy (from
//     the informer cache) already matches, and prunes objects of the given kinds that carry
//     the owner's UID label but were not rendered this time.
//
// No Helm release objects are stored.
package render
