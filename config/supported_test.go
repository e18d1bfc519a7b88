package config_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/discarr/discarr/config"
)

func TestUnsupportedKindIsAProblemWhenTheBinarySaysSo(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "discarr.yaml")
	yaml := `discord: { token: "t", guild_id: "1", channel_id: "2" }
services:
  music: { kind: lidarr, url: "http://127.0.0.1:8686", api_key: "k" }
state_dir: ` + dir + "\n"
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := config.Load(config.LoadOptions{Path: path, Environ: []string{}}); err != nil {
		t.Fatalf("without Supported a known kind loads: %v", err)
	}
	_, err := config.Load(config.LoadOptions{Path: path, Environ: []string{},
		Supported: []string{"sonarr", "radarr", "qbittorrent"}})
	var cerr *config.Error
	if !errors.As(err, &cerr) || len(cerr.Problems) != 1 || cerr.Problems[0].Key != "services.music.kind" ||
		!strings.Contains(cerr.Problems[0].Message, `kind "lidarr" is not supported by this version`) {
		t.Fatalf("err = %v, want one problem at services.music.kind", err)
	}
}
