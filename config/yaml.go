package config

import (
	"errors"
	"fmt"
	"regexp"

	kmaps "github.com/knadh/koanf/maps"
	kyaml "github.com/knadh/koanf/parsers/yaml"
	"go.yaml.in/yaml/v3"
)

// yamlParser is koanf's YAML parser with two changes. A key with no value (`token:`)
// counts as absent, so it keeps its default instead of wiping it; only a services
// entry with no value stays, as an empty entry, so its problems get reported. And a
// document that is not a mapping is reported without quoting its content, which may be
// a secret when the wrong file was named.
type yamlParser struct{}

var lineRE = regexp.MustCompile(`^line \d+`)

// Unmarshal parses YAML bytes into a nested map.
func (yamlParser) Unmarshal(b []byte) (map[string]any, error) {
	out, err := kyaml.Parser().Unmarshal(b)
	if err != nil {
		var te *yaml.TypeError
		if errors.As(err, &te) {
			where := "the document"
			if len(te.Errors) > 0 && lineRE.MatchString(te.Errors[0]) {
				where = lineRE.FindString(te.Errors[0])
			}
			return nil, fmt.Errorf("%s: the top level must be a mapping of keys "+
				"(discord, services, state_dir, log, metrics)", where)
		}
		return nil, err
	}
	if out == nil {
		return map[string]any{}, nil
	}
	kmaps.IntfaceKeysToStrings(out)
	dropNulls(out, "")
	return out, nil
}

// Marshal renders a config map as YAML.
func (yamlParser) Marshal(m map[string]any) ([]byte, error) {
	return kyaml.Parser().Marshal(m)
}

// dropNulls removes keys without a value from m, recursively; path is m's key path.
func dropNulls(m map[string]any, path string) {
	for k, v := range m {
		switch v := v.(type) {
		case nil:
			if path == "services" {
				m[k] = map[string]any{}
			} else {
				delete(m, k)
			}
		case map[string]any:
			dropNulls(v, join(path, k))
		}
	}
}
