// Package cedar authorizes MCP operations with Cedar policies
// (github.com/cedar-policy/cedar-go). vmcp and the proxy runner share it: lists are
// filtered by asking, for every item, whether its call/get/read would be allowed;
// calls, prompt gets and resource reads are gated.
//
// # Entity model
//
// Every request is evaluated as:
//
//   - principal: Client::"<sub>" for an authenticated caller, Client::"anonymous"
//     otherwise. Each token claim is an attribute named claim_<claim>
//     (principal.claim_groups, principal.claim_email, …); strings, booleans,
//     integers, arrays (Cedar sets) and objects (records) are converted, other
//     values are left out. When entitiesJson holds the same Client entity its
//     parents are kept, so `principal in Group::"admins"` works.
//   - action: Action::"call_tool", Action::"get_prompt" or Action::"read_resource".
//     List requests are never refused as a whole: each item is kept only when
//     its call_tool / get_prompt / read_resource would be allowed.
//   - resource: Tool::"<tool name>", Prompt::"<prompt name>" or
//     Resource::"<resource URI>".
//   - context: arguments is a record of the call's scalar arguments
//     (context.arguments.owner); for policies written for ToolHive the same
//     values are also flat: context.arg_<name> and context.claim_<claim>.
//
// A policy that lets members of the "engineering" group use only the echo tool,
// and nobody delete anything:
//
//	permit(principal, action == Action::"call_tool", resource == Tool::"echo")
//	  when { principal has claim_groups && principal.claim_groups.contains("engineering") };
//	@id("no-deletes")
//	forbid(principal, action == Action::"call_tool", resource)
//	  when { context has arg_confirm && context.arg_confirm == "delete" };
//
// Policies are named by their @id annotation, else policies[i] (policies[i]#n
// when one string holds several). A denial names the deciding forbid policies by
// id, or says that no policy permits the operation; policy text is never shown.
package cedar
