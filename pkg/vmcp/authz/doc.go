// Package authz is vmcp's Cedar authorizer: it implements pkg/auth.Authorizer over
// the Cedar policies of incomingAuth.authz, so the gateway can filter lists and gate
// tool calls, prompt gets and resource reads. Requests are modelled as principal
// Client::"<subject>", action Action::"call_tool" | "get_prompt" | "read_resource",
// and resource Tool::"<name>" | Prompt::"<name>" | Resource::"<uri>".
package authz
