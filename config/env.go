package config

import (
	"strings"
)

// envTransform maps DISCARR_SECTION__KEY=value to the key path section.key, recording
// which variable set each key so problems can name it. Names with an empty level
// (DISCARR_A____B) or a dot cannot map to a key and are reported.
func envTransform(p *problems) func(name, value string) (string, any) {
	return func(name, value string) (string, any) {
		rest := strings.TrimPrefix(name, EnvPrefix)
		parts := strings.Split(strings.ToLower(rest), "__")
		for _, part := range parts {
			if part == "" || strings.Contains(part, ".") {
				p.addf(name, "malformed environment variable name: use %sSECTION__KEY, "+
					"e.g. %sDISCORD__TOKEN", EnvPrefix, EnvPrefix)
				return "", nil
			}
		}
		key := strings.Join(parts, ".")
		p.origins[key] = name
		return key, value
	}
}

// envName returns the environment variable that sets the key path.
func envName(key string) string {
	return EnvPrefix + strings.ToUpper(strings.ReplaceAll(key, ".", "__"))
}
