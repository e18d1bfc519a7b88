package servicetest_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/discarr/discarr/actors/service/servicetest"
)

// newSpecWorld returns a World with every behaviour, stepped so some downloads finished.
func newSpecWorld() *servicetest.World {
	clock := newClock()
	w := servicetest.NewWorld(servicetest.WorldOptions{
		Seed: 7, Clock: clock.Now, TV: 24, Movies: 16, Torrents: 6,
	})
	clock.Advance(10 * time.Minute)
	return w
}

// TestResponsesMatchArrOpenAPI checks every key, JSON type and enum value the *arr
// simulators send against the response schemas of the official OpenAPI documents. The
// one deliberate deviation is Sonarr's health wikiUrl: a string, as the live server
// sends, where Sonarr's document describes an object (Radarr's says string).
func TestResponsesMatchArrOpenAPI(t *testing.T) {
	t.Parallel()
	specs := specsDir(t)
	world := newSpecWorld()
	sims := map[string]*servicetest.Arr{
		"sonarr": servicetest.NewSonarr(servicetest.ArrOptions{APIKey: "k", World: world}),
		"radarr": servicetest.NewRadarr(servicetest.ArrOptions{APIKey: "k", World: world}),
	}
	for _, a := range sims {
		a.SetHealth([]map[string]any{
			servicetest.HealthItem("IndexerStatusCheck", "warning", "Indexers unavailable due to failures: Nyx", "https://wiki.servarr.com/sonarr/system#indexers-are-unavailable-due-to-failures"),
			servicetest.HealthItem("UpdateCheck", "notice", "New update is available", "https://wiki.servarr.com/sonarr/system#new-update-is-available"),
		})
	}
	docs := map[string]*openAPI{
		"sonarr": loadOpenAPI(t, filepath.Join(specs, "sonarr-openapi.json")),
		"radarr": loadOpenAPI(t, filepath.Join(specs, "radarr-openapi.json")),
	}

	tests := []struct {
		app, route, query string
		deviations        []string
	}{
		{"sonarr", "/api/v3/queue", "pageSize=200&includeSeries=true&includeEpisode=true&includeUnknownSeriesItems=true", nil},
		{"sonarr", "/api/v3/queue", "", nil},
		{"sonarr", "/api/v3/queue/status", "", nil},
		{"sonarr", "/api/v3/system/status", "", nil},
		{"sonarr", "/api/v3/health", "", []string{"$[].wikiUrl: string, schema says object"}},
		{"radarr", "/api/v3/queue", "pageSize=200&includeMovie=true&includeUnknownMovieItems=true", nil},
		{"radarr", "/api/v3/queue/status", "", nil},
		{"radarr", "/api/v3/system/status", "", nil},
		{"radarr", "/api/v3/health", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.app+tt.route+"?"+tt.query, func(t *testing.T) {
			t.Parallel()
			srv := servicetest.Serve(t, sims[tt.app])
			resp := get(t, srv.URL+tt.route+"?"+tt.query, "k")
			if resp.status != 200 {
				t.Fatalf("status %d, body %q", resp.status, truncate(resp.body))
			}
			body := decodeNumbers(t, resp.body)
			if page, ok := body.(map[string]any); ok && page["records"] != nil {
				if recs, _ := page["records"].([]any); len(recs) == 0 {
					t.Fatalf("queue has no records to check")
				}
			}
			doc := docs[tt.app]
			got := uniq(doc.check("$", body, doc.responseSchema(t, tt.route)))
			if !slices.Equal(got, tt.deviations) {
				t.Errorf("schema problems:\n got  %q\n want %q", got, tt.deviations)
			}
		})
	}
}

// TestSchemaCheckRejectsBadBodies proves the checker above can fail: unknown keys, wrong
// types, bad enum values and unexpected nulls are all reported.
func TestSchemaCheckRejectsBadBodies(t *testing.T) {
	t.Parallel()
	doc := loadOpenAPI(t, filepath.Join(specsDir(t), "sonarr-openapi.json"))
	schema := doc.responseSchema(t, "/api/v3/queue")
	tests := []struct {
		name, body, want string
	}{
		{"unknown key", `{"records":[{"id":1,"bogus":true}]}`, "$.records[].bogus: key not in schema"},
		{"wrong type", `{"totalRecords":"45"}`, "$.totalRecords: string, schema says integer"},
		{"bad enum", `{"records":[{"status":"sleeping"}]}`, "$.records[].status: sleeping not in enum"},
		{"null not nullable", `{"page":null}`, "$.page: null, schema not nullable"},
		{"nested unknown key", `{"records":[{"series":{"titel":"x"}}]}`, "$.records[].series.titel: key not in schema"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := doc.check("$", decodeNumbers(t, []byte(tt.body)), schema)
			if !slices.Contains(got, tt.want) {
				t.Errorf("problems %q, want one to be %q", got, tt.want)
			}
		})
	}
}

// TestTorrentFieldsMatchRealSamples checks that torrents/info entries carry the field set
// real servers send: 5.1 exactly the keys of the 5.x sample, 4.x the keys of the 4.x
// sample (whose maindata entries omit hash, which torrents/info adds), and 5.0 the 4.x
// keys plus isPrivate and reannounce, both listed in the 5.0 documentation.
func TestTorrentFieldsMatchRealSamples(t *testing.T) {
	t.Parallel()
	specs := specsDir(t)
	samples := filepath.Join(specs, "samples")
	keysOf := func(m map[string]any) []string {
		out := make([]string, 0, len(m))
		for k := range m {
			out = append(out, k)
		}
		sort.Strings(out)
		return out
	}

	var v5 []map[string]any
	readJSON(t, filepath.Join(samples, "qbittorrent-torrents-info-v5-states.json"), &v5)
	var v4 struct {
		Torrents map[string]map[string]any `json:"torrents"`
	}
	readJSON(t, filepath.Join(samples, "qbittorrent-sync-maindata-4x.json"), &v4)
	var want4, want50 []string
	for _, tor := range v4.Torrents {
		tor["hash"] = ""
		want4 = keysOf(tor)
		tor["isPrivate"], tor["reannounce"] = false, 0
		want50 = keysOf(tor)
	}
	doc, err := os.ReadFile(filepath.Join(specs, "docs", "qbittorrent", "webui-api-qbittorrent-5.0.md"))
	if err != nil {
		t.Fatalf("read 5.0 docs: %v", err)
	}
	for _, k := range []string{"isPrivate", "reannounce"} {
		if !strings.Contains(string(doc), "`"+k+"`") {
			t.Errorf("5.0 docs do not list %s", k)
		}
	}

	tests := []struct {
		version string
		want    []string
	}{
		{servicetest.QBVersion51, keysOf(v5[0])},
		{servicetest.QBVersion5, want50},
		{servicetest.QBVersion4, want4},
	}
	for _, tt := range tests {
		t.Run(tt.version, func(t *testing.T) {
			t.Parallel()
			qb := servicetest.NewQBittorrent(servicetest.QBOptions{
				Version: tt.version, LocalhostBypass: true, World: newSpecWorld(),
			})
			srv := servicetest.Serve(t, qb)
			var got []map[string]any
			decode(t, get(t, srv.URL+"/api/v2/torrents/info", "").body, &got)
			if len(got) == 0 {
				t.Fatal("no torrents")
			}
			for _, tor := range got {
				if k := keysOf(tor); !slices.Equal(k, tt.want) {
					t.Fatalf("keys of %v:\n got  %s\n want %s", tor["name"], strings.Join(k, ","), strings.Join(tt.want, ","))
				}
			}
		})
	}
}

// readJSON decodes a sample file.
func readJSON(t *testing.T, file string, v any) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("read %s: %v", file, err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("decode %s: %v", file, err)
	}
}
