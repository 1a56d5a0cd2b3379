package ociimage

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// PackageClosure lists the package folders (relative to nodeModules) that pkg needs at run
// time: pkg and, transitively, its dependencies and optional dependencies, resolved the way
// Node resolves them (nested node_modules first, then the hoisted top level).
func PackageClosure(nodeModules, pkg string) ([]string, error) {
	seen := map[string]bool{}
	var visit func(dir, name string) error
	visit = func(from, name string) error {
		dir, ok := resolve(nodeModules, from, name)
		if !ok {
			return fmt.Errorf("package %s (needed by %s) not found under %s", name, from, nodeModules)
		}
		if seen[dir] {
			return nil
		}
		seen[dir] = true
		data, err := os.ReadFile(filepath.Join(nodeModules, dir, "package.json"))
		if err != nil {
			return fmt.Errorf("read package.json of %s: %w", name, err)
		}
		var pj struct {
			Dependencies         map[string]string `json:"dependencies"`
			OptionalDependencies map[string]string `json:"optionalDependencies"`
		}
		if err := json.Unmarshal(data, &pj); err != nil {
			return fmt.Errorf("parse package.json of %s: %w", name, err)
		}
		for dep := range pj.Dependencies {
			if err := visit(dir, dep); err != nil {
				return err
			}
		}
		for dep := range pj.OptionalDependencies {
			if _, ok := resolve(nodeModules, dir, dep); ok {
				if err := visit(dir, dep); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := visit("", pkg); err != nil {
		return nil, err
	}
	out := make([]string, 0, len(seen))
	for d := range seen {
		out = append(out, d)
	}
	sort.Strings(out)
	return out, nil
}

// resolve finds name from package folder from (relative to nodeModules): from's nested
// node_modules, then each ancestor's, then the top level.
func resolve(nodeModules, from, name string) (string, bool) {
	for dir := from; dir != "" && dir != "."; {
		cand := filepath.Join(dir, "node_modules", name)
		if _, err := os.Stat(filepath.Join(nodeModules, cand, "package.json")); err == nil {
			return cand, true
		}
		parent := filepath.Dir(dir)
		// step out of ".../node_modules/<pkg>" or ".../node_modules/@scope/<pkg>"
		for parent != "." && filepath.Base(parent) != "node_modules" {
			parent = filepath.Dir(parent)
		}
		if parent == "." {
			break
		}
		dir = filepath.Dir(parent)
	}
	if _, err := os.Stat(filepath.Join(nodeModules, name, "package.json")); err == nil {
		return name, true
	}
	return "", false
}
