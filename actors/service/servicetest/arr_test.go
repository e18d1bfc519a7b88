package servicetest_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/discarr/discarr/actors/service/servicetest"
)

// queuePage is the part of the paging resource the tests read.
type queuePage struct {
	Page          int              `json:"page"`
	PageSize      int              `json:"pageSize"`
	SortKey       string           `json:"sortKey"`
	SortDirection string           `json:"sortDirection"`
	TotalRecords  int              `json:"totalRecords"`
	Records       []map[string]any `json:"records"`
}

// numbered returns n minimal queue records with ids 1..n.
func numbered(n int) []map[string]any {
	out := make([]map[string]any, n)
	for i := range out {
		out[i] = map[string]any{"id": i + 1, "title": fmt.Sprintf("Movie.%02d", i+1), "status": "downloading"}
	}
	return out
}

// TestQueuePagingDefaultsToTenAndHonoursPageSize proves a naive client sees only the
// first 10 of 45 records while totalRecords says 45, and explicit paging reaches all.
func TestQueuePagingDefaultsToTenAndHonoursPageSize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, query string
		max         int
		wantPage    int
		wantSize    int
		wantIDs     []int // first and last id on the page; nil when empty
	}{
		{"default page", "", 0, 1, 10, []int{1, 10}},
		{"page 5 of 10", "page=5", 0, 5, 10, []int{41, 45}},
		{"past the end", "page=6", 0, 6, 10, nil},
		{"explicit size", "pageSize=20&page=2", 0, 2, 20, []int{21, 40}},
		{"huge size honoured", "pageSize=1000", 0, 1, 1000, []int{1, 45}},
		{"size clamped when configured", "pageSize=1000", 200, 1, 200, []int{1, 45}},
		{"nonsense falls back", "page=x&pageSize=0", 0, 1, 10, []int{1, 10}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := servicetest.NewRadarr(servicetest.ArrOptions{APIKey: "k", MaxPageSize: tt.max})
			a.SetQueue(numbered(45))
			srv := servicetest.Serve(t, a)
			var p queuePage
			decode(t, get(t, srv.URL+"/api/v3/queue?"+tt.query, "k").body, &p)
			if p.TotalRecords != 45 || p.Page != tt.wantPage || p.PageSize != tt.wantSize {
				t.Fatalf("page %d size %d total %d, want %d %d 45", p.Page, p.PageSize, p.TotalRecords, tt.wantPage, tt.wantSize)
			}
			if tt.wantIDs == nil {
				if len(p.Records) != 0 {
					t.Fatalf("got %d records past the end", len(p.Records))
				}
				return
			}
			first, last := p.Records[0]["id"], p.Records[len(p.Records)-1]["id"]
			if int(first.(float64)) != tt.wantIDs[0] || int(last.(float64)) != tt.wantIDs[1] {
				t.Errorf("ids %v..%v, want %v", first, last, tt.wantIDs)
			}
		})
	}
}

// TestArrAPIKey proves the key is accepted in the header or the apikey query parameter
// and that a missing or wrong key gets an empty 401, as the real servers answer.
func TestArrAPIKey(t *testing.T) {
	t.Parallel()
	a := servicetest.NewSonarr(servicetest.ArrOptions{APIKey: "secret"})
	srv := servicetest.Serve(t, a)
	tests := []struct {
		name, path, header string
		want               int
	}{
		{"header", "/api/v3/system/status", "secret", 200},
		{"query", "/api/v3/system/status?apikey=secret", "", 200},
		{"missing", "/api/v3/system/status", "", 401},
		{"wrong header", "/api/v3/queue", "nope", 401},
		{"wrong query", "/api/v3/health?apikey=nope", "", 401},
		{"ping needs none", "/ping", "", 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp := get(t, srv.URL+tt.path, tt.header)
			if resp.status != tt.want {
				t.Fatalf("status %d, want %d", resp.status, tt.want)
			}
			if tt.want == 401 && len(resp.body) != 0 {
				t.Errorf("401 body %q, want empty", resp.body)
			}
		})
	}
}

// TestArrURLBase proves every route lives under the URL base and nothing outside it.
func TestArrURLBase(t *testing.T) {
	t.Parallel()
	tests := []struct {
		base, path string
		want       int
	}{
		{"/sonarr", "/sonarr/api/v3/queue", 200},
		{"sonarr/", "/sonarr/api/v3/system/status", 200},
		{"/sonarr", "/api/v3/queue", 404},
		{"/sonarr", "/sonarrx/api/v3/queue", 404},
		{"", "/api/v3/queue", 200},
		{"", "/sonarr/api/v3/queue", 404},
	}
	for _, tt := range tests {
		t.Run(tt.base+" "+tt.path, func(t *testing.T) {
			t.Parallel()
			a := servicetest.NewSonarr(servicetest.ArrOptions{APIKey: "k", URLBase: tt.base})
			srv := servicetest.Serve(t, a)
			if got := get(t, srv.URL+tt.path, "k").status; got != tt.want {
				t.Fatalf("status %d, want %d", got, tt.want)
			}
			if a.Requests(tt.path) != 1 {
				t.Errorf("Requests(%q) = %d, want 1", tt.path, a.Requests(tt.path))
			}
		})
	}
}

// TestUrlBaseShowsInSystemStatus proves system/status reports the normalised base.
func TestUrlBaseShowsInSystemStatus(t *testing.T) {
	t.Parallel()
	a := servicetest.NewSonarr(servicetest.ArrOptions{URLBase: "sonarr/", Version: "4.0.12.2823"})
	srv := servicetest.Serve(t, a)
	var st map[string]any
	decode(t, get(t, srv.URL+"/sonarr/api/v3/system/status", "").body, &st)
	if st["urlBase"] != "/sonarr" || st["version"] != "4.0.12.2823" || st["appName"] != "Sonarr" {
		t.Errorf("status %v", st)
	}
}

// TestQueueIncludesAndUnknownItems proves nested objects appear only when asked for and
// unknown items only with includeUnknown…Items, counted in totalRecords consistently.
func TestQueueIncludesAndUnknownItems(t *testing.T) {
	t.Parallel()
	world := servicetest.NewWorld(servicetest.WorldOptions{Seed: 3, Clock: newClock().Now, TV: 8, Movies: 8, Torrents: 2})
	sonarr := servicetest.NewSonarr(servicetest.ArrOptions{World: world})
	radarr := servicetest.NewRadarr(servicetest.ArrOptions{World: world})
	tests := []struct {
		name     string
		a        *servicetest.Arr
		query    string
		nested   []string // keys every known record must have
		absent   []string // keys no record may have
		unknowns int
	}{
		{"sonarr bare", sonarr, "", nil, []string{"series", "episode"}, 0},
		{"sonarr series", sonarr, "includeSeries=true", []string{"series"}, []string{"episode"}, 0},
		{"sonarr both", sonarr, "includeSeries=true&includeEpisode=true", []string{"series", "episode"}, nil, 0},
		{"sonarr unknown", sonarr, "includeUnknownSeriesItems=true&includeSeries=true", nil, nil, 1},
		{"radarr bare", radarr, "", nil, []string{"movie"}, 0},
		{"radarr movie", radarr, "includeMovie=True", []string{"movie"}, nil, 0},
		{"radarr unknown", radarr, "includeUnknownMovieItems=true", nil, nil, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := servicetest.Serve(t, tt.a)
			var p queuePage
			decode(t, get(t, srv.URL+"/api/v3/queue?pageSize=500&"+tt.query, "").body, &p)
			unknowns := 0
			for _, r := range p.Records {
				_, series := r["seriesId"]
				_, movie := r["movieId"]
				if !series && !movie {
					unknowns++
					if r["series"] != nil || r["movie"] != nil || r["episode"] != nil {
						t.Errorf("unknown item %v has a parent object", r["title"])
					}
					continue
				}
				for _, k := range tt.nested {
					if r[k] == nil {
						t.Errorf("record %v lacks %s", r["id"], k)
					}
				}
				for _, k := range tt.absent {
					if _, ok := r[k]; ok {
						t.Errorf("record %v has %s unasked", r["id"], k)
					}
				}
			}
			if unknowns != tt.unknowns || p.TotalRecords != len(p.Records) {
				t.Errorf("unknowns %d (want %d), total %d for %d records", unknowns, tt.unknowns, p.TotalRecords, len(p.Records))
			}
		})
	}
}

// TestQueueDeleteRemovesTheDownload proves DELETE /api/v3/queue/{id} removes the record
// and its download from the World (so qBittorrent no longer lists it either).
func TestQueueDeleteRemovesTheDownload(t *testing.T) {
	t.Parallel()
	world := servicetest.NewWorld(servicetest.WorldOptions{Seed: 1, Clock: newClock().Now, Movies: 3})
	a := servicetest.NewRadarr(servicetest.ArrOptions{World: world})
	srv := servicetest.Serve(t, a)
	var p queuePage
	decode(t, get(t, srv.URL+"/api/v3/queue", "").body, &p)
	id := int(p.Records[0]["id"].(float64))

	url := fmt.Sprintf("%s/api/v3/queue/%d?removeFromClient=true", srv.URL, id)
	if got := do(t, nil, http.MethodDelete, url, nil, nil).status; got != 200 {
		t.Fatalf("delete status %d", got)
	}
	if got := do(t, nil, http.MethodDelete, url, nil, nil).status; got != 404 {
		t.Fatalf("second delete status %d, want 404", got)
	}
	decode(t, get(t, srv.URL+"/api/v3/queue", "").body, &p)
	if p.TotalRecords != 2 || len(world.Downloads()) != 2 {
		t.Errorf("after delete: %d records, %d downloads; want 2 and 2", p.TotalRecords, len(world.Downloads()))
	}
}

// TestExplicitQueueKeepsOrderUnlessSorted proves SetQueue records come back in the
// given order by default, and sorted (missing values last) when sortKey is given.
func TestExplicitQueueKeepsOrderUnlessSorted(t *testing.T) {
	t.Parallel()
	a := servicetest.NewSonarr(servicetest.ArrOptions{})
	a.SetQueue([]map[string]any{
		{"id": 3, "timeleft": "1.02:00:00"},
		{"id": 1},
		{"id": 2, "timeleft": "00:05:00"},
	})
	srv := servicetest.Serve(t, a)
	tests := []struct {
		query string
		want  []float64
	}{
		{"", []float64{3, 1, 2}},
		{"sortKey=timeleft", []float64{2, 3, 1}},
		{"sortKey=timeleft&sortDirection=descending", []float64{3, 2, 1}},
		{"sortKey=id&sortDirection=descending", []float64{3, 2, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			t.Parallel()
			var p queuePage
			decode(t, get(t, srv.URL+"/api/v3/queue?"+tt.query, "").body, &p)
			var got []float64
			for _, r := range p.Records {
				got = append(got, r["id"].(float64))
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("ids %v, want %v", got, tt.want)
			}
		})
	}
}

// TestQueueStatusCountsUnknownItems proves queue/status separates known and unknown items.
func TestQueueStatusCountsUnknownItems(t *testing.T) {
	t.Parallel()
	a := servicetest.NewSonarr(servicetest.ArrOptions{})
	a.SetQueue(servicetest.CaseDownloadingImportBlocked(servicetest.CaseHash(1)))
	a.SetUnknownQueue(servicetest.CaseUnknownItem(servicetest.CaseHash(2)))
	srv := servicetest.Serve(t, a)
	var st map[string]any
	decode(t, get(t, srv.URL+"/api/v3/queue/status", "").body, &st)
	want := map[string]any{
		"totalCount": 2.0, "count": 1.0, "unknownCount": 1.0,
		"errors": false, "warnings": true, "unknownErrors": false, "unknownWarnings": true,
	}
	if fmt.Sprint(st) != fmt.Sprint(want) {
		t.Errorf("queue/status %v, want %v", st, want)
	}
}
