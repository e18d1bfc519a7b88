package service_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/discarr/discarr/messages"
)

// samplesDir returns ../shared/specs/samples beside the repository, skipping the test
// when it is absent (and failing under CI, where it must be present).
func samplesDir(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "..", "shared", "specs", "samples")
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("real samples missing at %s: %v", dir, err)
		}
		t.Skipf("real samples not found at %s (they live beside the repository): %v", dir, err)
	}
	return dir
}

// samples lists the sample files matching pattern, failing when there are none.
func samples(t *testing.T, pattern string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(samplesDir(t), pattern))
	if err != nil || len(files) == 0 {
		t.Fatalf("no samples match %s: %v", pattern, err)
	}
	return files
}

func TestEveryRealArrQueueSampleDecodesWithoutSkips(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{"sonarr", "radarr"} {
		for _, file := range samples(t, kind+"-queue-*.json") {
			t.Run(filepath.Base(file), func(t *testing.T) {
				t.Parallel()
				body, err := os.ReadFile(file)
				if err != nil {
					t.Fatal(err)
				}
				var page struct{ TotalRecords int }
				if err := json.Unmarshal(body, &page); err != nil {
					t.Fatal(err)
				}
				ts, _ := arrServer(t, "", map[string]http.HandlerFunc{"/api/v3/queue": raw(body)})
				snap, err := newClient(t, kind, ts.URL, nil).Poll(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				if snap.Skipped != 0 || snap.Total != len(snap.Downloads) || len(snap.Downloads) == 0 {
					t.Errorf("skipped %d total %d rows %d", snap.Skipped, snap.Total, len(snap.Downloads))
				}
				records := 0
				for _, d := range snap.Downloads {
					records += max(d.Episodes, 1)
				}
				if kind == "sonarr" && records != page.TotalRecords {
					t.Errorf("rows hold %d records, the page has %d", records, page.TotalRecords)
				}
				for _, d := range snap.Downloads {
					if d.Title == "" || d.Key == "" || d.State == "" {
						t.Errorf("row without title, key or state: %+v", d)
					}
				}
			})
		}
	}
}

func TestRealImportBlockedSampleNeedsManualImportWithItsReasons(t *testing.T) {
	t.Parallel()
	body, err := os.ReadFile(filepath.Join(samplesDir(t), "sonarr-queue-importblocked.json"))
	if err != nil {
		t.Fatal(err)
	}
	ts, _ := arrServer(t, "", map[string]http.HandlerFunc{"/api/v3/queue": raw(body)})
	snap, err := newClient(t, "sonarr", ts.URL, nil).Poll(context.Background())
	if err != nil || len(snap.Downloads) != 1 {
		t.Fatalf("rows %d err %v", len(snap.Downloads), err)
	}
	d := snap.Downloads[0]
	if d.State != messages.StateImportBlocked || d.Title != "Undone S01E08" ||
		!strings.HasPrefix(d.Reason, "One or more episodes expected") ||
		!strings.Contains(d.Reason, "sample.mkv: Sample") {
		t.Errorf("state %s title %q reason %q", d.State, d.Title, d.Reason)
	}
}

func TestEveryRealTorrentsInfoSampleDecodesWithoutSkips(t *testing.T) {
	t.Parallel()
	for _, file := range samples(t, "qbittorrent-torrents-info-*.json") {
		t.Run(filepath.Base(file), func(t *testing.T) {
			t.Parallel()
			body, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if strings.HasSuffix(r.URL.Path, "/torrents/info") {
					_, _ = w.Write(body)
					return
				}
				http.NotFound(w, r)
			}))
			t.Cleanup(ts.Close)
			snap, err := qbitClient(t, ts.URL, "", "").Poll(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if snap.Skipped != 0 || len(snap.Downloads) != snap.Total || snap.Total == 0 {
				t.Errorf("skipped %d total %d rows %d", snap.Skipped, snap.Total, len(snap.Downloads))
			}
			for _, d := range snap.Downloads {
				if d.State == messages.StateUnknown {
					t.Errorf("%s: state %q unmapped", d.Title, d.RawState)
				}
			}
		})
	}
}

func TestRealHealthAndStatusSamplesDecode(t *testing.T) {
	t.Parallel()
	dir := samplesDir(t)
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	healths := []string{"radarr-health-downloadclient-error.json", "radarr-health-importmechanism-warning.json"}
	for _, health := range healths {
		ts, _ := arrServer(t, "", map[string]http.HandlerFunc{
			"/api/v3/system/status": raw(read("radarr-system-status.json")),
			"/api/v3/health":        raw(read(health)),
		})
		p, err := newClient(t, "radarr", ts.URL, nil).Probe(context.Background())
		if err != nil || p.Version != "5.2.6.8376" || len(p.Warnings) != 1 || p.Warnings[0].WikiURL == "" {
			t.Errorf("%s: probe %+v err %v", health, p, err)
		}
	}
}
