package config_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"log/slog"
	"math/big"
	"slices"
	"strings"
	"testing"
	"time"

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
		{"same URL written differently",
			[]string{"DISCARR_SERVICES__SONARR__URL=http://127.0.0.1:8989/"}, true},
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
	want := map[string]string{
		"service_count": "2", "kinds": "sonarr,qbittorrent", "metrics_listen": "127.0.0.1:9713",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("summary %s = %q, want %q", k, got[k], v)
		}
	}
	if !strings.Contains(got["discord"], "token=[set]") ||
		!strings.Contains(got["services"], "password=[unset]") {
		t.Errorf("summary shows secrets wrong: discord %s, services %s",
			got["discord"], got["services"])
	}
	if v := c.LogValue(); v.Kind() != slog.KindGroup {
		t.Errorf("LogValue kind = %v, want a group", v.Kind())
	}
	if !slices.Equal(c.ServiceNames(), []string{"qbit", "sonarr"}) {
		t.Errorf("ServiceNames = %v", c.ServiceNames())
	}
}

func TestDefaultTimeoutFollowsShortInterval(t *testing.T) {
	t.Parallel()
	tests := []struct {
		interval, want string
	}{
		{"5s", "5s"},
		{"10s", "10s"},
		{"1m", "10s"},
	}
	for _, tt := range tests {
		t.Run(tt.interval, func(t *testing.T) {
			t.Parallel()
			c := mustLoad(t, base, "DISCARR_SERVICES__SONARR__INTERVAL="+tt.interval)
			if got := c.Services["sonarr"].Timeout.String(); got != tt.want {
				t.Errorf("timeout = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestCAFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ca := writeFile(t, dir, "certs/lan-ca.pem", selfSignedPEM(t))
	path := writeFile(t, dir, "discarr.yaml", `
discord: {token: t, guild_id: "1", channel_id: "2"}
services:
  sonarr: {kind: sonarr, url: "https://media.lan/sonarr", api_key: k, ca_file: certs/lan-ca.pem}
  radarr: {kind: radarr, url: "https://media.lan/radarr", api_key: k, insecure_skip_verify: true}
`)
	c, err := config.Load(config.LoadOptions{Path: path, Environ: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Services["sonarr"].CAFile; got != ca {
		t.Errorf("ca_file = %q, want %q (relative to the config file)", got, ca)
	}
	if !c.Services["radarr"].InsecureSkipVerify {
		t.Error("insecure_skip_verify was not kept")
	}
}

func selfSignedPEM(t *testing.T) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "lan CA"},
		NotBefore: time.Unix(0, 0), NotAfter: time.Unix(1<<33, 0),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}
