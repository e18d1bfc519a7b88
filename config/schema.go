package config

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
)

// checkKeys reports every key the schema does not know and every section that is not a
// mapping, and returns the tree without them, each service entry filled with the
// service defaults. The schema is the defaults themselves.
func checkKeys(tree map[string]any, p *problems) map[string]any {
	top := defaults()
	out := checkMap(tree, top, "", p)

	services, ok := out["services"].(map[string]any)
	if !ok {
		return out
	}
	for name, entry := range services {
		key := join("services", name)
		m, ok := entry.(map[string]any)
		if !ok {
			p.add(key, "must be a mapping of service keys (kind, url, ...)")
			delete(services, name)
			continue
		}
		filled := serviceDefaults()
		for k := range filled {
			if _, given := m[k]; !given {
				p.defaulted[join(key, k)] = true
			}
		}
		maps.Copy(filled, checkMap(m, serviceDefaults(), key, p))
		services[name] = filled
	}
	return out
}

// checkMap keeps the keys of m the schema knows, recursing into sections.
func checkMap(m, schema map[string]any, path string, p *problems) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		key := join(path, k)
		want, known := schema[k]
		if !known {
			p.add(key, unknownKeyMessage(key, k, schema, p))
			continue
		}
		section, isSection := want.(map[string]any)
		if !isSection {
			out[k] = v
			continue
		}
		got, ok := v.(map[string]any)
		if !ok {
			p.add(key, sectionMessage(key, section))
			out[k] = section // the defaults, so its keys are not reported again
			continue
		}
		if key == "services" {
			out[k] = got
			continue
		}
		out[k] = checkMap(got, section, key, p)
	}
	return out
}

// sectionMessage says what a section that is not a mapping should look like.
func sectionMessage(key string, section map[string]any) string {
	if key == "services" {
		return "must be a mapping keyed by instance name, not a list " +
			"(environment variables cannot index lists), e.g. services: {sonarr: {kind: sonarr, ...}}"
	}
	return fmt.Sprintf("must be a mapping with keys %s", strings.Join(sortedKeys(section), ", "))
}

// unknownKeyMessage explains an unknown key, suggesting the nearest known one; for a
// key set from the environment it points out the double underscore between levels.
func unknownKeyMessage(key, name string, schema map[string]any, p *problems) string {
	if env, ok := p.origins[key]; ok {
		if fixed := nestedEnvFix(key); fixed != "" {
			delete(p.origins, key) // named in the message itself
			return fmt.Sprintf("unknown key from %s: levels are separated by a double "+
				"underscore, did you mean %s?", env, envName(fixed))
		}
	}
	if s := suggest(name, sortedKeys(schema)); s != "" {
		return fmt.Sprintf("unknown key (did you mean %q?)", s)
	}
	return "unknown key"
}

// nestedEnvFix finds the known key path reached by turning some single underscores of
// key into level separators, "" when none is.
func nestedEnvFix(key string) string {
	var idx []int
	for i, r := range key {
		if r == '_' {
			idx = append(idx, i)
		}
	}
	if len(idx) > 12 {
		return ""
	}
	for mask := 1; mask < 1<<len(idx); mask++ {
		b := []byte(key)
		for bit, i := range idx {
			if mask&(1<<bit) != 0 {
				b[i] = '.'
			}
		}
		if knownPath(string(b)) {
			return string(b)
		}
	}
	return ""
}

// knownPath reports whether key is a leaf key path of the schema; any instance name
// valid in an environment variable fits under services.
func knownPath(key string) bool {
	parts := strings.Split(key, ".")
	if len(parts) == 3 && parts[0] == "services" {
		_, ok := serviceDefaults()[parts[2]]
		return parts[1] != "" && ok
	}
	var node any = defaults()
	for _, part := range parts {
		m, ok := node.(map[string]any)
		if !ok {
			return false
		}
		if node, ok = m[part]; !ok {
			return false
		}
	}
	_, isSection := node.(map[string]any)
	return !isSection
}

// suggest returns the candidate nearest to name within edit distance 2, "" if none.
func suggest(name string, candidates []string) string {
	best, bestDist := "", 3
	for _, c := range candidates {
		if d := editDistance(strings.ToLower(name), c); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func sortedKeys(m map[string]any) []string {
	keys := slices.Collect(maps.Keys(m))
	sort.Strings(keys)
	return keys
}
