package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBadConfigExitsTwoNamingEveryMistake(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "discarr.yaml")
	yaml := `
discord:
  token: "abc"
  guild_id: "1"
  chanel_id: "2"
services:
  sonarr: { kind: sonarr, url: "not a url", api_key: "k" }
  radarr: { kind: radar, url: "http://127.0.0.1:7878", api_key: "k" }
state_dir: ` + filepath.Join(dir, "state") + "\n"
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	code := realMain([]string{"run", "--config", path}, &out, &errOut)
	if code != exitBadConfig {
		t.Fatalf("exit %d, want %d; stderr:\n%s", code, exitBadConfig, errOut.String())
	}
	for _, key := range []string{"discord.chanel_id", "services.sonarr.url", "services.radarr.kind"} {
		if !strings.Contains(errOut.String(), key) {
			t.Errorf("stderr does not name %s:\n%s", key, errOut.String())
		}
	}
}

func TestCommandLine(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		code int
		out  string
	}{
		{[]string{"version"}, exitOK, "discarr "},
		{[]string{"--version"}, exitOK, "discarr "},
		{[]string{"help"}, exitOK, "check --offline"},
		{[]string{"--config", "/nonexistent/discarr.yaml", "check", "--offline"}, exitBadConfig, "nonexistent"},
		{[]string{"frobnicate"}, exitBadConfig, `unknown command "frobnicate"`},
		{[]string{"run", "--log-level", "loud"}, exitBadConfig, `--log-level "loud"`},
		{[]string{"run", "extra"}, exitBadConfig, `unexpected argument "extra"`},
		{[]string{"check", "--offline", "--config", "/nonexistent/discarr.yaml"}, exitBadConfig, "nonexistent"},
	} {
		var out, errOut bytes.Buffer
		code := realMain(tc.args, &out, &errOut)
		if code != tc.code || !strings.Contains(out.String()+errOut.String(), tc.out) {
			t.Errorf("%v: exit %d, output %q; want exit %d containing %q", tc.args, code,
				out.String()+errOut.String(), tc.code, tc.out)
		}
	}
}
