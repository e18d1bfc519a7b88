package config

import (
	"errors"
	"regexp"
	"strings"

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
		return nil, yamlError(err)
	}
	if out == nil {
		return map[string]any{}, nil
	}
	kmaps.IntfaceKeysToStrings(out)
	dropNulls(out, "")
	return out, nil
}

// yamlError rewrites yaml's type errors, one line each. The only type error possible
// for a document decoded into a map is a document that is not a mapping, and its
// message would quote the value: that one gets a message of its own.
func yamlError(err error) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return err
	}
	msgs := make([]string, 0, len(te.Errors))
	for _, msg := range te.Errors {
		if strings.Contains(msg, "cannot unmarshal") {
			where := "the document"
			if lineRE.MatchString(msg) {
				where = lineRE.FindString(msg)
			}
			msg = where + ": the top level must be a mapping of keys " +
				"(discord, services, state_dir, log, metrics)"
		}
		msgs = append(msgs, msg)
	}
	return errors.New(strings.Join(msgs, "; "))
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
