package config_test

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/discarr/discarr/config"
)

var update = flag.Bool("update", false, "rewrite testdata/*.err from the current output")

// fixtureSecret appears in every secret of the bad-config fixtures; no error may show it.
const fixtureSecret = "hunter2"

// TestBadConfigs loads each testdata/NAME.yaml (with the environment in NAME.env, if
// any) and compares the error with NAME.err. The testdata path reads as TESTDATA.
func TestBadConfigs(t *testing.T) {
	t.Parallel()
	dir, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	fixtures, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(fixtures) == 0 {
		t.Fatalf("no fixtures in %s (err %v)", dir, err)
	}
	for _, path := range fixtures {
		name := strings.TrimSuffix(filepath.Base(path), ".yaml")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			cfg, err := config.Load(config.LoadOptions{
				Path:    path,
				Environ: fixtureEnv(t, filepath.Join(dir, name+".env")),
				WorkDir: dir,
			})
			if err == nil {
				t.Fatalf("Load accepted a bad config: %+v", cfg)
			}
			got := strings.ReplaceAll(err.Error(), dir, "TESTDATA") + "\n"
			if strings.Contains(got, fixtureSecret) {
				t.Errorf("error shows a secret:\n%s", got)
			}
			errFile := filepath.Join(dir, name+".err")
			if *update {
				if err := os.WriteFile(errFile, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(errFile)
			if err != nil {
				t.Fatalf("read golden file (run with -update to create it): %v", err)
			}
			if got != string(want) {
				t.Errorf("error text differs from %s\ngot:\n%s\nwant:\n%s", errFile, got, want)
			}
		})
	}
}

// TestBadConfigErrorType checks that validation problems arrive as *config.Error and
// file problems as plain errors.
func TestBadConfigErrorType(t *testing.T) {
	t.Parallel()
	tests := []struct {
		fixture   string
		wantTyped bool
		wantKey   string
	}{
		{"three_mistakes", true, "discord.channel_id"},
		{"unknown_key", true, "services.sonarr.colour"},
		{"yaml_syntax", false, ""},
		{"not_a_mapping", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			t.Parallel()
			_, err := config.Load(config.LoadOptions{
				Path:    filepath.Join("testdata", tt.fixture+".yaml"),
				Environ: []string{},
			})
			var ce *config.Error
			if errors.As(err, &ce) != tt.wantTyped {
				t.Fatalf("errors.As(*config.Error) = %v, want %v (err %v)", !tt.wantTyped, tt.wantTyped, err)
			}
			if tt.wantTyped && ce.Problems[0].Key != tt.wantKey {
				t.Errorf("first problem key = %q, want %q", ce.Problems[0].Key, tt.wantKey)
			}
		})
	}
}

// fixtureEnv reads KEY=value lines; a missing file is an empty environment.
func fixtureEnv(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return []string{}
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSpace(string(b)), "\n")
}
