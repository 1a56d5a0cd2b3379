package gateway

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/http"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcp-operator/mcp-operator/pkg/auth"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/health"
)

// The stateless protocol (2026-07-28) on the fast path. The SDK serves each
// stateless request with a fresh server session and decodes the message, its
// _meta and the tool's schema (~600 KB of allocations per tools/call). A
// well-formed tools/call, prompts/get or resources/read of that protocol is
// forwarded instead on the backend's shared session as the session fast path
// forwards: the request loses only the _meta keys describing the client's
// connection to vmcp (io.modelcontextprotocol/*), and the answer gains what a
// 2026-07-28 result carries (resultType "complete" and the server's
// io.modelcontextprotocol/serverInfo), its content untouched. Anything the SDK
// would reject or treat specially (header mismatches, a missing _meta
// triple, x-mcp-header parameters, batches) takes the SDK path, which answers
// it as before.

// metaPrefix starts the _meta keys of the protocol itself.
const metaPrefix = "io.modelcontextprotocol/"

// statelessFastPath serves a stateless request when it can and reports whether it did.
func (g *Gateway) statelessFastPath(w http.ResponseWriter, r *http.Request) bool {
	mb, ok := r.Body.(*memBody)
	if !ok || !statelessHeadersOK(r) {
		return false
	}
	if _, all := g.authz.(auth.AllowAll); !all {
		return false
	}
	shape, ok := parseCall(mb.data)
	if !ok || shape.idEnd == 0 || !statelessShapeOK(r, mb.data, shape) {
		return false
	}
	backendName, original, ok := g.fastRoute(shape)
	if !ok || (shape.method == "tools/call" && g.routes.Load().headerParams[shape.name]) {
		return false
	}
	b := g.backend(backendName)
	if b == nil || b.def.Transport != config.TransportStreamableHTTP || b.def.Delegated() ||
		b.tracker.State().Status == health.StatusUnavailable || b.breaker.State() != health.CircuitClosed {
		return false
	}
	c, drop, err := g.connFor(r.Context(), nil, b)
	if err != nil || c.owner != nil || c.cs.ID() == "" {
		return false
	}
	if res := c.cs.InitializeResult(); res == nil || res.ProtocolVersion >= statelessVersion {
		return false // a stateless backend session: the SDK path speaks its protocol
	}
	msg, ok := backendMessage(mb.data, shape, original)
	if !ok {
		return false
	}
	var msgShape callShape
	if msgShape.idStart, msgShape.idEnd, ok = member(msg, "id"); !ok {
		return false
	}
	annotate := func(answer []byte) []byte { return completeResult(answer, g.serverInfo()) }
	return g.send(w, r, fastRequest{body: mb.data, shape: shape, msg: msg, msgShape: msgShape, annotate: annotate}, b, c, drop)
}

// statelessHeadersOK reports whether the request's headers are what the SDK
// accepts without an error of its own (Content-Type, Accept, no parameter headers).
func statelessHeadersOK(r *http.Request) bool {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return false
	}
	accept := strings.Join(r.Header.Values("Accept"), ",")
	if !strings.Contains(accept, "application/json") || !strings.Contains(accept, "text/event-stream") {
		return false
	}
	for k := range r.Header {
		if strings.HasPrefix(k, "Mcp-Param-") {
			return false
		}
	}
	return true
}

// statelessShapeOK checks what the SDK checks of a stateless call: the
// Mcp-Method and Mcp-Name headers match the body, and _meta carries the
// protocol version of the header and the client's capabilities.
func statelessShapeOK(r *http.Request, body []byte, shape callShape) bool {
	name := shape.name
	if shape.method == "resources/read" {
		name = shape.uri
	}
	if r.Header.Get("Mcp-Method") != shape.method || r.Header.Get("Mcp-Name") != name || name == "" {
		return false
	}
	ps, pe, ok := member(body, "params")
	if !ok {
		return false
	}
	ms, me, ok := member(body[ps:pe], "_meta")
	if !ok {
		return false
	}
	meta := body[ps+ms : ps+me]
	vs, ve, ok := member(meta, metaPrefix+"protocolVersion")
	if !ok {
		return false
	}
	if v, ok := unquote(meta[vs:ve]); !ok || v != r.Header.Get(protocolHeader) {
		return false
	}
	if cs, _, ok := member(meta, metaPrefix+"clientCapabilities"); !ok || meta[cs] != '{' {
		return false
	}
	if is, _, ok := member(meta, metaPrefix+"clientInfo"); ok && meta[is] != '{' {
		return false
	}
	return true
}

// backendMessage is the client's message for the backend's session: the
// params rebuilt with the backend's name for the tool or prompt and without
// the protocol's own _meta keys (an emptied _meta is left out, as the SDK
// path leaves it out). The id is spliced in later (spliceCall).
func backendMessage(body []byte, shape callShape, original string) ([]byte, bool) {
	ps, pe, _ := member(body, "params")
	var params bytes.Buffer
	params.Grow(pe - ps)
	params.WriteByte('{')
	n := 0
	ok := eachMember(body[ps:pe], func(key, value []byte) {
		switch string(key) {
		case "_meta":
			value = stripProtocolMeta(value)
			if value == nil {
				return
			}
		case "name":
			if original != "" && shape.method != "resources/read" {
				value, _ = json.Marshal(original)
			}
		}
		if n > 0 {
			params.WriteByte(',')
		}
		n++
		q, _ := json.Marshal(string(key))
		params.Write(q)
		params.WriteByte(':')
		params.Write(value)
	})
	if !ok {
		return nil, false
	}
	params.WriteByte('}')
	var out bytes.Buffer
	out.Grow(len(body))
	out.Write(body[:ps])
	out.Write(params.Bytes())
	out.Write(body[pe:])
	return out.Bytes(), true
}

// stripProtocolMeta returns the _meta object without the io.modelcontextprotocol/
// keys, or nil when nothing else is left.
func stripProtocolMeta(meta []byte) []byte {
	var out bytes.Buffer
	n := 0
	eachMember(meta, func(key, value []byte) {
		if bytes.HasPrefix(key, []byte(metaPrefix)) {
			return
		}
		if n == 0 {
			out.WriteByte('{')
		} else {
			out.WriteByte(',')
		}
		n++
		q, _ := json.Marshal(string(key))
		out.Write(q)
		out.WriteByte(':')
		out.Write(value)
	})
	if n == 0 {
		return nil
	}
	out.WriteByte('}')
	return out.Bytes()
}

// eachMember calls fn with the key (unescaped) and raw value of every member
// of a JSON object; it reports false for text that is not one.
func eachMember(obj []byte, fn func(key, value []byte)) bool {
	i := skipSpace(obj, 0)
	if i >= len(obj) || obj[i] != '{' {
		return false
	}
	i = skipSpace(obj, i+1)
	if i < len(obj) && obj[i] == '}' {
		return true
	}
	for i < len(obj) && obj[i] == '"' {
		ke, ok := stringEnd(obj, i)
		if !ok {
			return false
		}
		key, ok := unquote(obj[i:ke])
		if !ok {
			return false
		}
		i = skipSpace(obj, ke)
		if i >= len(obj) || obj[i] != ':' {
			return false
		}
		vs := skipSpace(obj, i+1)
		ve, ok := valueEnd(obj, vs)
		if !ok {
			return false
		}
		fn([]byte(key), obj[vs:ve])
		i = skipSpace(obj, ve)
		switch {
		case i < len(obj) && obj[i] == ',':
			i = skipSpace(obj, i+1)
		case i < len(obj) && obj[i] == '}':
			return true
		default:
			return false
		}
	}
	return false
}

// serverInfo is the encoded io.modelcontextprotocol/serverInfo member of a
// 2026-07-28 result (the gateway's implementation).
func (g *Gateway) serverInfo() []byte {
	g.serverInfoOnce.Do(func() {
		impl, _ := json.Marshal(g.impl)
		g.serverInfoJSON = append([]byte(`"`+mcp.MetaKeyServerInfo+`":`), impl...)
	})
	return g.serverInfoJSON
}

// completeResult makes a backend's answer (already carrying the client's id)
// a 2026-07-28 answer: its result gains resultType "complete" and, in _meta,
// the server's info, unless it has them. Errors pass unchanged.
func completeResult(answer, info []byte) []byte {
	rs, re, ok := member(answer, "result")
	if !ok || answer[rs] != '{' {
		return answer
	}
	result := answer[rs:re]
	var first [][]byte // members to insert at the start of result
	if _, _, ok := member(result, "resultType"); !ok {
		first = append(first, []byte(`"resultType":"complete"`))
	}
	metaAt, metaEmpty := -1, false
	switch ms, me, ok := member(result, "_meta"); {
	case !ok:
		first = append(first, append(append([]byte(`"_meta":{`), info...), '}'))
	case result[ms] == '{':
		if _, _, has := member(result[ms:me], mcp.MetaKeyServerInfo); !has {
			metaAt, metaEmpty = rs+ms+1, emptyObject(result[ms:me])
		}
	}
	if len(first) == 0 && metaAt < 0 {
		return answer
	}
	out := make([]byte, 0, len(answer)+len(info)+64)
	out = append(out, answer[:rs+1]...)
	if len(first) > 0 {
		out = append(out, bytes.Join(first, []byte(","))...)
		if !emptyObject(result) {
			out = append(out, ',')
		}
	}
	if metaAt < 0 {
		return append(out, answer[rs+1:]...)
	}
	out = append(out, answer[rs+1:metaAt]...)
	out = append(out, info...)
	if !metaEmpty {
		out = append(out, ',')
	}
	return append(out, answer[metaAt:]...)
}

// emptyObject reports whether obj (starting with '{') has no members.
func emptyObject(obj []byte) bool {
	i := skipSpace(obj, 1)
	return i < len(obj) && obj[i] == '}'
}
