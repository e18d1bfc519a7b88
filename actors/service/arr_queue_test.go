package service_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/discarr/discarr/actors/service"
	"github.com/discarr/discarr/messages"
)

// makeRecords returns n minimal queue records with ids 1..n.
func makeRecords(n int) []json.RawMessage {
	recs := make([]json.RawMessage, n)
	for i := range recs {
		recs[i] = json.RawMessage(fmt.Sprintf(
			`{"id":%d,"title":"Release.%d","status":"downloading","size":100,"sizeleft":50}`, i+1, i+1))
	}
	return recs
}

func TestQueueCollectsEveryPageUpToTotalRecords(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		records    int
		total      int // reported; -1 means the true count
		wantPages  int
		wantRows   int
		wantTotal  int
		serverSize int // the server's own page size cap; 0 honours pageSize
	}{
		{name: "one page", records: 45, total: -1, wantPages: 1, wantRows: 45, wantTotal: 45},
		{name: "three pages of 200", records: 450, total: -1, wantPages: 3, wantRows: 450, wantTotal: 450},
		{name: "exactly one full page", records: 200, total: -1, wantPages: 1, wantRows: 200, wantTotal: 200},
		{name: "empty queue", records: 0, total: -1, wantPages: 1, wantRows: 0, wantTotal: 0},
		{name: "server ignores pageSize and pages by 10", records: 45, total: -1, serverSize: 10,
			wantPages: 5, wantRows: 45, wantTotal: 45},
		{name: "total larger than served stops at the empty page", records: 250, total: 1000,
			wantPages: 3, wantRows: 250, wantTotal: 1000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			recs := makeRecords(tt.records)
			queue := arrQueue(recs, tt.total)
			capped := func(w http.ResponseWriter, r *http.Request) {
				if tt.serverSize > 0 {
					q := r.URL.Query()
					q.Set("pageSize", fmt.Sprint(tt.serverSize))
					r.URL.RawQuery = q.Encode()
				}
				queue(w, r)
			}
			ts, seen := arrServer(t, "", map[string]http.HandlerFunc{"/api/v3/queue": capped})
			snap, err := newClient(t, "sonarr", ts.URL, nil).Poll(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if got := seen.count("/api/v3/queue"); got != tt.wantPages {
				t.Errorf("pages requested = %d, want %d", got, tt.wantPages)
			}
			for _, r := range seen.all() {
				if got := r.URL.Query().Get("pageSize"); got != "200" {
					t.Errorf("pageSize = %q, want 200", got)
				}
			}
			if len(snap.Downloads) != tt.wantRows || snap.Total != tt.wantTotal {
				t.Errorf("rows = %d, total = %d; want %d, %d",
					len(snap.Downloads), snap.Total, tt.wantRows, tt.wantTotal)
			}
		})
	}
}

func TestQueueStopsAtThePageCapWhenTheServerKeepsPromisingMore(t *testing.T) {
	t.Parallel()
	page := makeRecords(3)
	lying := func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, map[string]any{"page": r.URL.Query().Get("page"), "totalRecords": 1 << 30, "records": page})
	}
	ts, seen := arrServer(t, "", map[string]http.HandlerFunc{"/api/v3/queue": lying})
	snap, err := newClient(t, "sonarr", ts.URL, nil).Poll(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got := seen.count("/api/v3/queue"); got != 100 {
		t.Errorf("pages requested = %d, want the cap of 100", got)
	}
	if len(snap.Downloads) != 3 {
		t.Errorf("rows = %d, want the 3 distinct records once each", len(snap.Downloads))
	}
}

func TestQueueRequestAsksForIncludesAndUnknownItemsAsConfigured(t *testing.T) {
	t.Parallel()
	tests := []struct {
		kind, unknownParam string
		includes           []string
		include            bool
	}{
		{"sonarr", "includeUnknownSeriesItems", []string{"includeSeries", "includeEpisode"}, true},
		{"sonarr", "includeUnknownSeriesItems", []string{"includeSeries", "includeEpisode"}, false},
		{"radarr", "includeUnknownMovieItems", []string{"includeMovie"}, true},
		{"radarr", "includeUnknownMovieItems", []string{"includeMovie"}, false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s include=%v", tt.kind, tt.include), func(t *testing.T) {
			t.Parallel()
			ts, seen := arrServer(t, "", map[string]http.HandlerFunc{"/api/v3/queue": arrQueue(nil, -1)})
			c := newClient(t, tt.kind, ts.URL, func(o *service.Options) { o.IncludeUnknown = tt.include })
			if _, err := c.Poll(context.Background()); err != nil {
				t.Fatal(err)
			}
			q := seen.all()[0].URL.Query()
			if got := q.Get(tt.unknownParam); got != fmt.Sprint(tt.include) {
				t.Errorf("%s = %q, want %v", tt.unknownParam, got, tt.include)
			}
			for _, p := range tt.includes {
				if q.Get(p) != "true" {
					t.Errorf("%s = %q, want true", p, q.Get(p))
				}
			}
		})
	}
}

func TestAPIKeyTravelsInTheHeaderNeverInTheQuery(t *testing.T) {
	t.Parallel()
	ts, seen := arrServer(t, "", map[string]http.HandlerFunc{"/api/v3/queue": arrQueue(nil, -1)})
	if _, err := newClient(t, "radarr", ts.URL, nil).Poll(context.Background()); err != nil {
		t.Fatal(err)
	}
	r := seen.all()[0]
	if r.Header.Get("X-Api-Key") != testKey {
		t.Error("X-Api-Key header missing")
	}
	for k, v := range r.URL.Query() {
		if v[0] == testKey {
			t.Errorf("API key sent in query parameter %s", k)
		}
	}
}

func TestBasePathIsKeptWithExactlyOneSlash(t *testing.T) {
	t.Parallel()
	for _, base := range []string{"/sonarr", "/sonarr/", "/sonarr//", "/media/sonarr"} {
		t.Run(base, func(t *testing.T) {
			t.Parallel()
			want := "/sonarr"
			if base == "/media/sonarr" {
				want = base
			}
			ts, seen := arrServer(t, want, map[string]http.HandlerFunc{"/api/v3/queue": arrQueue(nil, -1)})
			if _, err := newClient(t, "sonarr", ts.URL+base, nil).Poll(context.Background()); err != nil {
				t.Fatal(err)
			}
			if got := seen.all()[0].URL.Path; got != want+"/api/v3/queue" {
				t.Errorf("path = %q, want %q", got, want+"/api/v3/queue")
			}
		})
	}
}

func TestDefaultPortIsDroppedFromTheBaseURL(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"https://qbt.example:443/", "https://qbt.example"},
		{"http://10.0.0.2:80/sonarr/", "http://10.0.0.2/sonarr"},
		{"http://10.0.0.2:8989/sonarr", "http://10.0.0.2:8989/sonarr"},
		{"https://proxy.example/qbittorrent/?x=1#top", "https://proxy.example/qbittorrent"},
	}
	for _, tt := range tests {
		u := mustURL(t, tt.in)
		got, err := service.NormalizeBase(u)
		if err != nil {
			t.Fatal(err)
		}
		if got.String() != tt.want {
			t.Errorf("NormalizeBase(%s) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

// byKey indexes downloads by release (or title when the release is empty).
func byRelease(ds []messages.Download) map[string]messages.Download {
	m := map[string]messages.Download{}
	for _, d := range ds {
		m[d.Release] = d
	}
	return m
}
