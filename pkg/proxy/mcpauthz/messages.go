package mcpauthz

import (
	"bytes"
	"encoding/json"
)

// message is one JSON-RPC message (request, notification or answer).
type message struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id,omitempty"`
	Method  string          `json:"method,omitempty"`
	Params  json.RawMessage `json:"params,omitempty"`
	Result  json.RawMessage `json:"result,omitempty"`
	Error   *rpcError       `json:"error,omitempty"`
}

type rpcError struct {
	Code    int             `json:"code"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data,omitempty"`
}

// isAnswer says whether m answers a request.
func (m *message) isAnswer() bool {
	return m.Method == "" && m.ID != nil && (m.Result != nil || m.Error != nil)
}

// parse decodes a single message or a batch; bodies that are not JSON-RPC give
// no messages (the handler behind rejects them).
func parse(body []byte) (msgs []*message, batch bool) {
	body = bytes.TrimSpace(body)
	if len(body) > 0 && body[0] == '[' {
		if json.Unmarshal(body, &msgs) != nil {
			return nil, true
		}
		return msgs, true
	}
	var one message
	if json.Unmarshal(body, &one) != nil {
		return nil, false
	}
	return []*message{&one}, false
}

func encode(msgs []*message, batch bool) []byte {
	if batch {
		b, _ := json.Marshal(msgs)
		return b
	}
	b, _ := json.Marshal(msgs[0])
	return b
}

// toolName is params.name of a tools/call.
func toolName(params json.RawMessage) string {
	var p struct {
		Name string `json:"name"`
	}
	_ = json.Unmarshal(params, &p)
	return p.Name
}

// setToolName replaces params.name, keeping every other field as it was.
func setToolName(params json.RawMessage, name string) json.RawMessage {
	var p map[string]json.RawMessage
	if json.Unmarshal(params, &p) != nil {
		return params
	}
	p["name"], _ = json.Marshal(name)
	b, _ := json.Marshal(p)
	return b
}

// isToolError says whether a tools/call result has isError set.
func isToolError(result json.RawMessage) bool {
	var r struct {
		IsError bool `json:"isError"`
	}
	_ = json.Unmarshal(result, &r)
	return r.IsError
}

func errorResponse(id json.RawMessage, code int, msg string) json.RawMessage {
	b, _ := json.Marshal(&message{JSONRPC: "2.0", ID: id, Error: &rpcError{Code: code, Message: msg}})
	return b
}
