// Package jsontemplate runs Go template syntax (the language of text/template,
// parsed by the standard text/template/parse) over decoded JSON data: maps of
// string keys, slices, strings, numbers, booleans and null.
//
// Why not text/template itself: it calls methods on the data by name at run
// time (reflect.Value.MethodByName), and a binary that can do that makes the
// linker keep every exported method of every type that is ever stored in an
// interface, since any of them might be called. vmcp's workflow templates only
// ever see JSON, which has no methods, so this executor reads fields as map
// keys with type switches and no reflection; the vmcp binary is a third smaller
// for it (TestBinaryKeepsNoReflectedMethods checks the built binary).
//
// The language is text/template's, with these differences, each stricter or
// more useful for JSON:
//   - {{.a.b}} reads map keys only; a missing key is an error (text/template's
//     missingkey=error), and so is a field of a value that is not a map.
//   - Numbers compare as numbers whatever their Go type (JSON's float64, an int
//     index, a json.Number), so {{eq .params.count 3}} works; a json.Number is
//     a number, not a string, for truth and comparison.
//   - The functions are and, or, not, len, index, slice, print, printf,
//     println, eq, ne, lt, le, gt, ge, html and urlquery, plus the caller's; js
//     and call are not defined, so a template using them fails to parse.
//   - An execution is bounded: at most maxOutput bytes written, maxSteps range
//     iterations and maxDepth nested {{template}} calls, so a bad template
//     fails instead of exhausting the process.
package jsontemplate
