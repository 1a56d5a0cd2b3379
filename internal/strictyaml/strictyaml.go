// Package strictyaml decodes configuration files (YAML or JSON) strictly: an unknown
// key, a duplicate key or a key with the wrong case is an error naming it, so a typo
// in a config file is never silently ignored. vmcp and the proxy runner load their
// config files with it.
package strictyaml

import (
	"errors"

	sigsjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"
)

// Unmarshal decodes data into v. Field names match case-sensitively ("proxyport" is
// not proxyPort); every strict problem is reported, not just the first.
func Unmarshal(data []byte, v any) error {
	j, err := yaml.YAMLToJSON(data)
	if err != nil {
		return err
	}
	strict, err := sigsjson.UnmarshalStrict(j, v, sigsjson.DisallowDuplicateFields, sigsjson.DisallowUnknownFields)
	if err != nil {
		return err
	}
	return errors.Join(strict...)
}
