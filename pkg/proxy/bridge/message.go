package bridge

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
)

// message is one JSON-RPC 2.0 message with every member kept as raw JSON, so the
// bridge can rewrite the id without touching anything else.
type message struct {
	fields map[string]json.RawMessage
	// method is the decoded "method" member ("" for responses).
	method string
}

// parseMessage decodes one JSON-RPC message.
func parseMessage(raw []byte) (*message, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return nil, fmt.Errorf("not a JSON-RPC message object: %w", err)
	}
	m := &message{fields: fields}
	if mr, ok := fields["method"]; ok {
		if err := json.Unmarshal(mr, &m.method); err != nil || m.method == "" {
			return nil, errors.New(`JSON-RPC "method" must be a non-empty string`)
		}
	}
	if m.method == "" && fields["result"] == nil && fields["error"] == nil {
		return nil, errors.New(`JSON-RPC message has neither "method" nor "result"/"error"`)
	}
	return m, nil
}

// id returns the raw id ("" when absent).
func (m *message) id() string { return string(m.fields["id"]) }

func (m *message) isRequest() bool      { return m.method != "" && m.fields["id"] != nil }
func (m *message) isNotification() bool { return m.method != "" && m.fields["id"] == nil }
func (m *message) isResponse() bool     { return m.method == "" }

// withID returns a copy of m with its id replaced.
func (m *message) withID(id string) *message {
	c := &message{fields: make(map[string]json.RawMessage, len(m.fields)), method: m.method}
	for k, v := range m.fields {
		c.fields[k] = v
	}
	c.fields["id"] = json.RawMessage(id)
	return c
}

// fieldOrder is the order members are written in; other members follow, sorted.
var fieldOrder = []string{"jsonrpc", "id", "method", "params", "result", "error"}

// encode writes the message on one line, member values byte for byte as received.
func (m *message) encode() []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	first := true
	put := func(k string, v json.RawMessage) {
		if !first {
			b.WriteByte(',')
		}
		first = false
		b.WriteByte('"')
		b.WriteString(k)
		b.WriteString(`":`)
		b.Write(v)
	}
	seen := map[string]bool{}
	for _, k := range fieldOrder {
		if v, ok := m.fields[k]; ok {
			put(k, v)
			seen[k] = true
		}
	}
	var rest []string
	for k := range m.fields {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	for _, k := range rest {
		kb, _ := json.Marshal(k)
		if !first {
			b.WriteByte(',')
		}
		first = false
		b.Write(kb)
		b.WriteByte(':')
		b.Write(m.fields[k])
	}
	b.WriteByte('}')
	return b.Bytes()
}

// Compact removes insignificant whitespace, so a message fits on one stdio line
// (newlines inside JSON strings are always escaped).
func Compact(raw []byte) ([]byte, error) {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// SplitBatch returns the messages of a body holding one JSON-RPC message or a JSON array of them.
func SplitBatch(body []byte) ([][]byte, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil, errors.New("empty body: expected a JSON-RPC message")
	}
	if body[0] != '[' {
		c, err := Compact(body)
		if err != nil {
			return nil, fmt.Errorf("invalid JSON: %w", err)
		}
		return [][]byte{c}, nil
	}
	var batch []json.RawMessage
	if err := json.Unmarshal(body, &batch); err != nil {
		return nil, fmt.Errorf("invalid JSON-RPC batch: %w", err)
	}
	if len(batch) == 0 {
		return nil, errors.New("empty JSON-RPC batch")
	}
	out := make([][]byte, len(batch))
	for i, m := range batch {
		c, err := Compact(m)
		if err != nil {
			return nil, err
		}
		out[i] = c
	}
	return out, nil
}

// Info is what a frontend needs to know about a client message.
type Info struct {
	// ID is the raw id ("" for notifications).
	ID string
	// Method is "" for responses.
	Method string
}

// IsRequest reports whether the message expects a response.
func (i Info) IsRequest() bool { return i.Method != "" && i.ID != "" }

// Inspect parses a client message enough to route it.
func Inspect(raw []byte) (Info, error) {
	m, err := parseMessage(raw)
	if err != nil {
		return Info{}, err
	}
	return Info{ID: m.id(), Method: m.method}, nil
}

// JSON-RPC error codes the bridge answers with.
const (
	CodeInvalidRequest = -32600
	CodeInternalError  = -32603
	// CodeUnavailable says the stdio server is not reachable right now.
	CodeUnavailable = -32000
)

// errorResponse builds a JSON-RPC error response for id.
func errorResponse(id string, code int, msg string) []byte {
	e, _ := json.Marshal(struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	}{code, msg})
	return (&message{fields: map[string]json.RawMessage{
		"jsonrpc": json.RawMessage(`"2.0"`), "id": json.RawMessage(id), "error": e,
	}}).encode()
}

// resultResponse builds a JSON-RPC result response for id.
func resultResponse(id string, result json.RawMessage) []byte {
	return (&message{fields: map[string]json.RawMessage{
		"jsonrpc": json.RawMessage(`"2.0"`), "id": json.RawMessage(id), "result": result,
	}}).encode()
}

// request builds a JSON-RPC request or (id "") notification.
func request(id, method string, params json.RawMessage) []byte {
	mb, _ := json.Marshal(method)
	f := map[string]json.RawMessage{"jsonrpc": json.RawMessage(`"2.0"`), "method": mb}
	if id != "" {
		f["id"] = json.RawMessage(id)
	}
	if params != nil {
		f["params"] = params
	}
	return (&message{fields: f}).encode()
}

// rewriteParam returns params with the member at path replaced by value (path
// of length 1 or 2, e.g. ["_meta","progressToken"]), and the old value. Other
// members keep their raw bytes.
func rewriteParam(params json.RawMessage, path []string, value json.RawMessage) (json.RawMessage, json.RawMessage, bool) {
	var obj map[string]json.RawMessage
	if len(params) == 0 || json.Unmarshal(params, &obj) != nil || obj == nil {
		return params, nil, false
	}
	if len(path) == 1 {
		old, ok := obj[path[0]]
		if !ok {
			return params, nil, false
		}
		obj[path[0]] = value
		return encodeObject(obj), old, true
	}
	inner, ok := obj[path[0]]
	if !ok {
		return params, nil, false
	}
	newInner, old, ok := rewriteParam(inner, path[1:], value)
	if !ok {
		return params, nil, false
	}
	obj[path[0]] = newInner
	return encodeObject(obj), old, true
}

// lookupParam returns the raw member at path in params.
func lookupParam(params json.RawMessage, path ...string) (json.RawMessage, bool) {
	cur := params
	for _, p := range path {
		var obj map[string]json.RawMessage
		if len(cur) == 0 || json.Unmarshal(cur, &obj) != nil {
			return nil, false
		}
		v, ok := obj[p]
		if !ok {
			return nil, false
		}
		cur = v
	}
	return cur, true
}

func encodeObject(obj map[string]json.RawMessage) json.RawMessage {
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		b.Write(obj[k])
	}
	b.WriteByte('}')
	return b.Bytes()
}
