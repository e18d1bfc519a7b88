package config_test

import (
	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/discarr/discarr/config"
)

const exampleFile = "discarr.example.yaml"

// TestExampleLoads proves the file admins copy is a valid configuration as shipped,
// given the secret files it names.
func TestExampleLoads(t *testing.T) {
	t.Parallel()
	creds := t.TempDir()
	for _, name := range []string{"discord-token", "sonarr-key", "qbit-pass"} {
		writeFile(t, creds, name, "example-"+name+"\n")
	}
	cfg, err := config.Load(config.LoadOptions{
		Path: exampleFile, Environ: []string{}, CredentialsDir: creds,
	})
	if err != nil {
		t.Fatalf("the example config does not load:\n%v", err)
	}
	got, want := cfg.ServiceNames(), []string{"qbit", "radarr_4k", "sonarr"}
	if !slices.Equal(got, want) {
		t.Errorf("ServiceNames() = %v, want %v", got, want)
	}
	if got := cfg.Discord.Token.Reveal(); got != "example-discord-token" {
		t.Errorf("token = %q, want the content of discord-token", got)
	}
}

// TestExampleMatchesDefaults holds the example, the defaults and the schema together:
// every key with a default is in the example, and the example has no other key.
func TestExampleMatchesDefaults(t *testing.T) {
	t.Parallel()
	var doc map[string]any
	if err := yaml.Unmarshal(readFile(t, exampleFile), &doc); err != nil {
		t.Fatal(err)
	}

	// The example's keys, with every instance name replaced by "*".
	services, _ := doc["services"].(map[string]any)
	delete(doc, "services")
	got := flatKeys(doc, "")
	for _, entry := range services {
		got = append(got, flatKeys(entry.(map[string]any), "services.*")...)
	}

	defaults := config.Defaults()
	delete(defaults, "services")
	want := append(flatKeys(defaults, ""), flatKeys(config.ServiceDefaults(), "services.*")...)

	if missing := minus(want, got); len(missing) > 0 {
		t.Errorf("keys with defaults missing from %s: %v", exampleFile, missing)
	}
	if extra := minus(got, want); len(extra) > 0 {
		t.Errorf("keys in %s without a default: %v", exampleFile, extra)
	}
}

// TestExampleDocumentsEveryKey requires a comment above or beside every key.
func TestExampleDocumentsEveryKey(t *testing.T) {
	t.Parallel()
	var root yaml.Node
	if err := yaml.Unmarshal(readFile(t, exampleFile), &root); err != nil {
		t.Fatal(err)
	}
	var walk func(n *yaml.Node, path string)
	walk = func(n *yaml.Node, path string) {
		for _, c := range n.Content {
			if n.Kind != yaml.MappingNode {
				walk(c, path)
			}
		}
		if n.Kind != yaml.MappingNode {
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			key := k.Value
			if path != "" {
				key = path + "." + k.Value
			}
			if k.HeadComment == "" && k.LineComment == "" && v.LineComment == "" {
				t.Errorf("%s:%d: key %s has no comment", exampleFile, k.Line, key)
			}
			walk(v, key)
		}
	}
	walk(&root, "")
}

func flatKeys(m map[string]any, prefix string) []string {
	var keys []string
	for k, v := range m {
		key := k
		if prefix != "" {
			key = prefix + "." + k
		}
		if sub, ok := v.(map[string]any); ok {
			keys = append(keys, flatKeys(sub, key)...)
			continue
		}
		keys = append(keys, key)
	}
	return keys
}

// minus returns the distinct elements of a that are not in b, sorted.
func minus(a, b []string) []string {
	var out []string
	for _, s := range a {
		if !slices.Contains(b, s) && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
