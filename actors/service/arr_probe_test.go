package service_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/discarr/discarr/messages"
)

func TestHealthWikiURLIsAPlainStringNullOrObjectAndOnlyHTTPLinksSurvive(t *testing.T) {
	t.Parallel()
	ts, _ := arrServer(t, "/sonarr", map[string]http.HandlerFunc{
		"/api/v3/system/status": raw(fixture(t, "sonarr-system-status.json")),
		"/api/v3/health":        raw(fixture(t, "sonarr-health.json")),
	})
	p, err := newClient(t, "sonarr", ts.URL+"/sonarr", nil).Probe(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if p.Version != "4.0.19.2979" || p.API != "v3" {
		t.Errorf("version %q API %q", p.Version, p.API)
	}
	want := []messages.Warning{
		{Source: "IndexerStatusCheck", Level: "warning", Message: "Indexers unavailable due to failures: Tracker",
			WikiURL: "https://wiki.example/sonarr/system#indexers"},
		{Source: "DownloadClientCheck", Level: "error", Message: "Unable to communicate with qBittorrent"},
		{Source: "UpdateCheck", Level: "notice", Message: "New update is available",
			WikiURL: "https://wiki.example/sonarr/system#updates"},
		// An unknown type counts as a warning; a javascript: link is dropped.
		{Source: "RootFolderCheck", Level: "warning", Message: "Missing root folder"},
	}
	if len(p.Warnings) != len(want) {
		t.Fatalf("warnings = %+v, want %d (ok items and non-objects dropped)", p.Warnings, len(want))
	}
	for i := range want {
		if p.Warnings[i] != want[i] {
			t.Errorf("warning %d = %+v, want %+v", i, p.Warnings[i], want[i])
		}
	}
}

func TestEmptyHealthListMeansNoWarnings(t *testing.T) {
	t.Parallel()
	ts, _ := arrServer(t, "", map[string]http.HandlerFunc{
		"/api/v3/system/status": raw([]byte(`{"version":"5.2.6.8376","appName":"Radarr"}`)),
		"/api/v3/health":        raw([]byte(`[]`)),
	})
	p, err := newClient(t, "radarr", ts.URL, nil).Probe(context.Background())
	if err != nil || len(p.Warnings) != 0 || p.Version != "5.2.6.8376" {
		t.Errorf("probe %+v err %v", p, err)
	}
}

func TestProbeKeepsTheVersionWhenHealthFails(t *testing.T) {
	t.Parallel()
	ts, _ := arrServer(t, "", map[string]http.HandlerFunc{
		"/api/v3/system/status": raw([]byte(`{"version":"4.0.1"}`)),
		"/api/v3/health": func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusInternalServerError)
		},
	})
	p, err := newClient(t, "sonarr", ts.URL, nil).Probe(context.Background())
	if err == nil || p.Version != "4.0.1" {
		t.Errorf("probe %+v err %v; want the version and the health error", p, err)
	}
}
