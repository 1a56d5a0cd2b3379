// Package composite is the workflow engine behind vmcp's composite tools: it
// compiles a config.CompositeTool into a Workflow and runs it as a DAG of steps
// (backend tool calls, elicitations and forEach loops), rendering Go templates
// (internal/jsontemplate: the text/template language over JSON data)
// over the call's parameters and earlier steps' outputs, with per-step and
// per-workflow timeouts, onError handling and progress reporting.
//
// The engine knows nothing about backends or sessions: it calls tools through a
// Caller and asks the user through an Elicitor, which the gateway implements
// with its normal routing, authorization, timeouts and circuit breakers.
package composite
