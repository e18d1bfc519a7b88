package config_test

import (
	"log/slog"
	"slices"
	"strings"
	"testing"

	"github.com/discarr/discarr/config"
)

func TestURLNormalised(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"http://127.0.0.1:8989", "http://127.0.0.1:8989"},
		{"http://127.0.0.1:8989/", "http://127.0.0.1:8989"},
		{"http://media.lan:80/sonarr/", "http://media.lan/sonarr"},
		{"https://media.lan:443/radarr4k//", "https://media.lan/radarr4k"},
		{"https://media.lan:8443/sonarr", "https://media.lan:8443/sonarr"},
		{"HTTP://Media.LAN/Sonarr", "http://media.lan/Sonarr"},
		{"http://[::1]:80/", "http://[::1]"},
		{"  http://127.0.0.1:8989  ", "http://127.0.0.1:8989"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			c := mustLoad(t, base, "DISCARR_SERVICES__SONARR__URL="+tt.in)
			if got := c.Services["sonarr"].URL.String(); got != tt.want {
				t.Errorf("url %q normalised to %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestLoginOptionalKinds(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{config.KindQBittorrent, config.KindTransmission, config.KindNZBGet} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			c := mustLoad(t, base, "DISCARR_SERVICES__CLIENT__KIND="+kind,
				"DISCARR_SERVICES__CLIENT__URL=http://127.0.0.1:1234")
			if s := c.Services["client"]; s.Username != "" || s.Password.IsSet() || s.APIKey.IsSet() {
				t.Errorf("service = %+v, want no credentials", s)
			}
		})
	}
}

func TestServiceEqual(t *testing.T) {
	t.Parallel()
	a := mustLoad(t, base).Services["sonarr"]
	tests := []struct {
		name  string
		env   []string
		equal bool
	}{
		{"same config", nil, true},
		{"same URL written differently", []string{"DISCARR_SERVICES__SONARR__URL=http://127.0.0.1:8989/"}, true},
		{"api key changed", []string{"DISCARR_SERVICES__SONARR__API_KEY=other"}, false},
		{"interval changed", []string{"DISCARR_SERVICES__SONARR__INTERVAL=1m"}, false},
		{"url changed", []string{"DISCARR_SERVICES__SONARR__URL=http://127.0.0.1:8990"}, false},
		{"include_unknown changed", []string{"DISCARR_SERVICES__SONARR__INCLUDE_UNKNOWN=true"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := mustLoad(t, base, tt.env...).Services["sonarr"]
			if got := a.Equal(b); got != tt.equal {
				t.Errorf("Equal = %v, want %v", got, tt.equal)
			}
		})
	}
}

func TestSummary(t *testing.T) {
	t.Parallel()
	c := mustLoad(t, base, "DISCARR_SERVICES__QBIT__KIND=qbittorrent",
		"DISCARR_SERVICES__QBIT__URL=http://127.0.0.1:8080", "DISCARR_METRICS__LISTEN=127.0.0.1:9713")
	got := map[string]string{}
	for _, a := range c.Summary() {
		got[a.Key] = a.Value.String()
	}
	want := map[string]string{"service_count": "2", "kinds": "sonarr,qbittorrent", "metrics_listen": "127.0.0.1:9713"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("summary %s = %q, want %q", k, got[k], v)
		}
	}
	if !strings.Contains(got["discord"], "token=[set]") || !strings.Contains(got["services"], "password=[unset]") {
		t.Errorf("summary shows secrets wrong: discord %s, services %s", got["discord"], got["services"])
	}
	if v := c.LogValue(); v.Kind() != slog.KindGroup {
		t.Errorf("LogValue kind = %v, want a group", v.Kind())
	}
	if !slices.Equal(c.ServiceNames(), []string{"qbit", "sonarr"}) {
		t.Errorf("ServiceNames = %v", c.ServiceNames())
	}
}
