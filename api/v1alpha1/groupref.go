package v1alpha1

import (
	"bytes"
	"encoding/json"
)

// GroupRef names the MCPGroup a resource belongs to, in the same namespace.
//
// Two spellings are accepted: the current object form `groupRef: {name: my-group}`
// and the legacy plain string `groupRef: my-group`. Decoding never fails: a form
// that is neither (a number, a boolean, an object without a string name) is kept in
// Invalid so that the controller can report GroupRefValidated=False with the reason
// instead of the whole object failing to decode. Encoding writes back the form
// that was read, so a controller that updates the object does not rewrite the
// user's spec.
//
// The CRD schema of this node is patched after generation
// (config/crd/patches): it has no type, x-kubernetes-preserve-unknown-fields,
// minLength 1 (for the string form) and required name (for the object form).
type GroupRef struct {
	// Name of the MCPGroup in the same namespace.
	// +kubebuilder:validation:MinLength=1
	Name string `json:"name"`

	// LegacyString is true when the manifest used the plain-string form.
	LegacyString bool `json:"-"`

	// Invalid holds the raw JSON of a form that is neither a string nor an object
	// with a string name; empty when the reference decoded cleanly.
	Invalid string `json:"-"`
}

// UnmarshalJSON accepts a string or {name: string}; any other form is recorded in
// Invalid, never returned as an error.
func (g *GroupRef) UnmarshalJSON(data []byte) error {
	*g = GroupRef{}
	trimmed := bytes.TrimSpace(data)
	if bytes.Equal(trimmed, []byte("null")) {
		return nil
	}
	var s string
	if err := json.Unmarshal(trimmed, &s); err == nil {
		g.Name, g.LegacyString = s, true
		return nil
	}
	var obj struct {
		Name *string `json:"name"`
	}
	if err := json.Unmarshal(trimmed, &obj); err == nil && obj.Name != nil {
		g.Name = *obj.Name
		return nil
	}
	g.Invalid = string(trimmed)
	return nil
}

// MarshalJSON writes the form that was read: the raw invalid value, the legacy
// string, or the object form.
func (g GroupRef) MarshalJSON() ([]byte, error) {
	switch {
	case g.Invalid != "":
		return []byte(g.Invalid), nil
	case g.LegacyString:
		return json.Marshal(g.Name)
	default:
		return json.Marshal(struct {
			Name string `json:"name"`
		}{g.Name})
	}
}

// Problem says what is wrong with the reference in words a user can act on, or ""
// when it names a group. A nil reference has no problem (it is simply absent).
func (g *GroupRef) Problem() string {
	switch {
	case g == nil:
		return ""
	case g.Invalid != "":
		return "groupRef must be a group name or {name: <group>}, got " + g.Invalid
	case g.Name == "":
		return "groupRef.name must not be empty"
	}
	return ""
}
