package servicetest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
)

// openAPI is a loaded OpenAPI document, enough to check response bodies against the
// schemas it names.
type openAPI struct {
	Paths      map[string]map[string]operation `json:"paths"`
	Components struct {
		Schemas map[string]map[string]any `json:"schemas"`
	} `json:"components"`
}

type operation struct {
	Responses map[string]struct {
		Content map[string]struct {
			Schema map[string]any `json:"schema"`
		} `json:"content"`
	} `json:"responses"`
}

// loadOpenAPI reads one of the *arr OpenAPI documents.
func loadOpenAPI(t *testing.T, file string) *openAPI {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("read %s: %v", file, err)
	}
	var doc openAPI
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("decode %s: %v", file, err)
	}
	return &doc
}

// responseSchema returns the JSON schema of GET path's 200 answer.
func (d *openAPI) responseSchema(t *testing.T, path string) map[string]any {
	t.Helper()
	op, ok := d.Paths[path]["get"]
	if !ok {
		t.Fatalf("spec has no GET %s", path)
	}
	c, ok := op.Responses["200"].Content["application/json"]
	if !ok {
		t.Fatalf("spec has no application/json 200 answer for GET %s", path)
	}
	return c.Schema
}

// resolve follows $ref (and a single-element allOf wrapper) to the schema it names.
func (d *openAPI) resolve(s map[string]any) map[string]any {
	for {
		if all, ok := s["allOf"].([]any); ok && len(all) == 1 {
			s, _ = all[0].(map[string]any)
			continue
		}
		ref, ok := s["$ref"].(string)
		if !ok {
			return s
		}
		s = d.Components.Schemas[strings.TrimPrefix(ref, "#/components/schemas/")]
	}
}

// check walks v against schema and returns every mismatch as "path: problem": keys the
// schema does not define, wrong JSON types, nulls where not nullable, values outside enums.
func (d *openAPI) check(path string, v any, schema map[string]any) []string {
	nullable, _ := schema["nullable"].(bool)
	s := d.resolve(schema)
	if n, ok := s["nullable"].(bool); ok && n {
		nullable = true
	}
	if v == nil {
		if nullable {
			return nil
		}
		return []string{path + ": null, schema not nullable"}
	}
	typ, _ := s["type"].(string)
	if typ == "" && s["properties"] != nil {
		typ = "object"
	}
	if got := jsonType(v); typ != "" && got != typ && (typ != "number" || got != "integer") {
		return []string{fmt.Sprintf("%s: %s, schema says %s", path, got, typ)}
	}
	if enum, ok := s["enum"].([]any); ok && !slices.Contains(enum, v) {
		return []string{fmt.Sprintf("%s: %v not in enum", path, v)}
	}

	var out []string
	switch val := v.(type) {
	case []any:
		items, _ := s["items"].(map[string]any)
		for _, it := range val {
			out = append(out, d.check(path+"[]", it, items)...)
		}
	case map[string]any:
		props, _ := s["properties"].(map[string]any)
		keys := make([]string, 0, len(val))
		for k := range val {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			ps, ok := props[k].(map[string]any)
			if !ok {
				out = append(out, path+"."+k+": key not in schema")
				continue
			}
			out = append(out, d.check(path+"."+k, val[k], ps)...)
		}
	}
	return out
}

// jsonType names the JSON type of a value decoded with UseNumber.
func jsonType(v any) string {
	switch n := v.(type) {
	case string:
		return "string"
	case bool:
		return "boolean"
	case json.Number:
		if _, err := n.Int64(); err == nil {
			return "integer"
		}
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// decodeNumbers decodes a body keeping numbers as json.Number.
func decodeNumbers(t *testing.T, b []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decode %q: %v", truncate(b), err)
	}
	return v
}

// uniq collapses repeated problems (one per array element) into one line each.
func uniq(in []string) []string {
	slices.Sort(in)
	return slices.Compact(in)
}
