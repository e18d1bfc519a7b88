package config_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/discarr/discarr/config"
)

func TestSecretRendering(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		secret config.Secret
		want   string
	}{
		{config.Secret("hunter2"), "[set]"},
		{config.Secret(""), "[unset]"},
	} {
		s := tt.secret
		text, _ := s.MarshalText()
		js, _ := json.Marshal(s)
		got := []string{s.String(), s.GoString(), s.LogValue().String(), string(text),
			fmt.Sprintf("%v", s), fmt.Sprintf("%s", s), fmt.Sprintf("%q", s), fmt.Sprintf("%#v", s),
			fmt.Sprintf("%d", s), fmt.Sprintf("%x", s), fmt.Sprintf("%10.3s", s)}
		for i, g := range got {
			if strings.TrimSpace(strings.Trim(g, `"`)) != tt.want {
				t.Errorf("rendering %d of %q = %q, want %q", i, s.Reveal(), g, tt.want)
			}
		}
		if string(js) != `"`+tt.want+`"` {
			t.Errorf("json = %s, want %q", js, tt.want)
		}
		if s.IsSet() != (s.Reveal() != "") {
			t.Errorf("IsSet() = %v for %q", s.IsSet(), s.Reveal())
		}
	}
}

// TestConfigNeverShowsSecrets prints, marshals and logs a loaded config every usual way
// and looks for each secret value in the output.
func TestConfigNeverShowsSecrets(t *testing.T) {
	t.Parallel()
	secrets := []string{"tok-SECRET-1", "key-SECRET-2", "pass-SECRET-3", "plex-SECRET-4"}
	cfg := mustLoad(t, `
discord: {token: tok-SECRET-1, guild_id: "123", channel_id: "456"}
services:
  sonarr: {kind: sonarr, url: "http://127.0.0.1:8989", api_key: key-SECRET-2}
  qbit: {kind: qbittorrent, url: "http://127.0.0.1:8080", username: admin}
  plex: {kind: plex, url: "http://127.0.0.1:32400", api_key: plex-SECRET-4}
`, "DISCARR_SERVICES__QBIT__PASSWORD=pass-SECRET-3")
	if cfg.Services["qbit"].Password.Reveal() != "pass-SECRET-3" {
		t.Fatal("the password from the environment did not load")
	}

	var outputs []string
	outputs = append(outputs, fmt.Sprintf("%v %+v %#v", cfg, cfg, cfg))
	outputs = append(outputs, fmt.Sprintf("%v %+v %#v %v", *cfg, *cfg, *cfg, cfg.Services))
	outputs = append(outputs, fmt.Sprint(cfg.Discord, cfg.Services["sonarr"]))
	js, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	outputs = append(outputs, string(js))
	for _, h := range []func(*bytes.Buffer) slog.Handler{
		func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
		func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
	} {
		var buf bytes.Buffer
		log := slog.New(h(&buf))
		log.Info("loaded", "config", cfg, "value", *cfg, "services", cfg.Services)
		log.LogAttrs(t.Context(), slog.LevelInfo, "summary", cfg.Summary()...)
		outputs = append(outputs, buf.String())
	}

	for i, out := range outputs {
		for _, s := range secrets {
			if strings.Contains(out, s) {
				t.Errorf("output %d shows secret %q:\n%s", i, s, out)
			}
		}
		if !strings.Contains(out, "[set]") {
			t.Errorf("output %d does not show secrets as [set]:\n%s", i, out)
		}
	}
}
