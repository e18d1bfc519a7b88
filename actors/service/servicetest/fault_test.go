package servicetest_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/discarr/discarr/actors/service/servicetest"
)

// simulator is what every simulator offers the fault tests.
type simulator interface {
	http.Handler
	SetFault(servicetest.Fault)
	Requests(string) int
	InFlight() int
	Close() error
}

// faultTargets are one simulator of each kind and a data path each answers with JSON.
func faultTargets() []struct {
	name string
	sim  simulator
	path string
} {
	qb := servicetest.NewQBittorrent(servicetest.QBOptions{LocalhostBypass: true})
	qb.SetTorrents(servicetest.CaseTorrentStates(false))
	sonarr := servicetest.NewSonarr(servicetest.ArrOptions{})
	sonarr.SetQueue(servicetest.CaseSeasonPack(servicetest.CaseHash(1), 3))
	return []struct {
		name string
		sim  simulator
		path string
	}{
		{"sonarr", sonarr, "/api/v3/queue"},
		{"radarr", servicetest.NewRadarr(servicetest.ArrOptions{}), "/api/v3/system/status"},
		{"qbittorrent", qb, "/api/v2/torrents/info"},
	}
}

// TestHangEndsOnClientCancel proves a hanging request returns as soon as the client
// gives up, leaving no handler running.
func TestHangEndsOnClientCancel(t *testing.T) {
	t.Parallel()
	for _, tt := range faultTargets() {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := servicetest.Serve(t, tt.sim)
			tt.sim.SetFault(servicetest.Fault{Mode: servicetest.FaultHang})

			ctx, cancel := context.WithCancel(t.Context())
			errc := make(chan error, 1)
			go func() {
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+tt.path, nil)
				resp, err := http.DefaultClient.Do(req)
				if err == nil {
					resp.Body.Close()
				}
				errc <- err
			}()
			waitFor(t, "the hanging request to arrive", func() bool { return tt.sim.InFlight() == 1 })
			cancel()
			if err := <-errc; !errors.Is(err, context.Canceled) {
				t.Fatalf("client error %v, want context.Canceled", err)
			}
			waitFor(t, "the handler to end", func() bool { return tt.sim.InFlight() == 0 })
		})
	}
}

// TestHangEndsOnClose proves Close ends hanging requests (the connection drops without
// an answer) and that the test server can then shut down.
func TestHangEndsOnClose(t *testing.T) {
	t.Parallel()
	for _, tt := range faultTargets() {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := servicetest.Serve(t, tt.sim)
			tt.sim.SetFault(servicetest.Fault{Mode: servicetest.FaultHang})
			errc := make(chan error, 1)
			go func() {
				resp, err := http.Get(srv.URL + tt.path)
				if err == nil {
					resp.Body.Close()
				}
				errc <- err
			}()
			waitFor(t, "the hanging request to arrive", func() bool { return tt.sim.InFlight() == 1 })
			if err := tt.sim.Close(); err != nil {
				t.Fatalf("close: %v", err)
			}
			if err := <-errc; err == nil {
				t.Fatal("hung request got an answer after Close, want a dropped connection")
			}
			waitFor(t, "the handler to end", func() bool { return tt.sim.InFlight() == 0 })
		})
	}
}

// TestSlowDelaysUntilDelayOrCancel proves slow answers normally after its delay, and a
// client whose deadline is shorter than the delay times out.
func TestSlowDelaysUntilDelayOrCancel(t *testing.T) {
	t.Parallel()
	for _, tt := range faultTargets() {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := servicetest.Serve(t, tt.sim)
			tt.sim.SetFault(servicetest.Fault{Mode: servicetest.FaultSlow, Delay: time.Millisecond})
			if r := get(t, srv.URL+tt.path, ""); r.status != 200 || !json.Valid(r.body) {
				t.Fatalf("slow answer %d %q", r.status, truncate(r.body))
			}

			tt.sim.SetFault(servicetest.Fault{Mode: servicetest.FaultSlow, Delay: time.Hour})
			c := &http.Client{Timeout: 20 * time.Millisecond}
			_, err := c.Get(srv.URL + tt.path)
			var ne interface{ Timeout() bool }
			if !errors.As(err, &ne) || !ne.Timeout() {
				t.Fatalf("client error %v, want a timeout", err)
			}
			waitFor(t, "the handler to end", func() bool { return tt.sim.InFlight() == 0 })
		})
	}
}

// TestFailAndGarbageBodies proves fail answers 500 shaped like each application's errors
// and garbage answers 200 with invalid JSON.
func TestFailAndGarbageBodies(t *testing.T) {
	t.Parallel()
	for _, tt := range faultTargets() {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := servicetest.Serve(t, tt.sim)
			tt.sim.SetFault(servicetest.Fault{Mode: servicetest.FaultFail})
			r := get(t, srv.URL+tt.path, "")
			if r.status != 500 {
				t.Fatalf("fail status %d", r.status)
			}
			if strings.HasPrefix(tt.path, "/api/v3/") {
				var body struct{ Message string }
				decode(t, r.body, &body)
				if body.Message != servicetest.DefaultFailMessage {
					t.Errorf("fail body %q", r.body)
				}
			} else if string(r.body) != servicetest.DefaultFailMessage {
				t.Errorf("fail body %q", r.body)
			}

			tt.sim.SetFault(servicetest.Fault{Mode: servicetest.FaultGarbage})
			r = get(t, srv.URL+tt.path, "")
			if r.status != 200 || json.Valid(r.body) || len(r.body) == 0 {
				t.Errorf("garbage %d %q, want 200 and invalid JSON", r.status, truncate(r.body))
			}
		})
	}
}

// TestFaultControlRoute proves POST /_sim/faults sets a fault (also under a URL base),
// GET reports it, bad modes are refused and control calls are not counted.
func TestFaultControlRoute(t *testing.T) {
	t.Parallel()
	a := servicetest.NewSonarr(servicetest.ArrOptions{APIKey: "k", URLBase: "/sonarr"})
	srv := servicetest.Serve(t, a)
	post := func(path, body string) int {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+path, strings.NewReader(body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("post %s: %v", path, err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}

	if got := post("/sonarr/_sim/faults", `{"mode":"fail","message":"db locked","path":"/api/v3/queue"}`); got != 204 {
		t.Fatalf("set fault: %d", got)
	}
	r := get(t, srv.URL+"/sonarr/api/v3/queue", "k")
	if r.status != 500 || !strings.Contains(string(r.body), "db locked") {
		t.Fatalf("queue under fault: %d %q", r.status, r.body)
	}
	if got := get(t, srv.URL+"/sonarr/api/v3/health", "k").status; got != 200 {
		t.Fatalf("health outside the fault's path: %d", got)
	}
	var f map[string]any
	decode(t, get(t, srv.URL+"/_sim/faults", "").body, &f)
	if f["mode"] != "fail" || f["path"] != "/api/v3/queue" {
		t.Errorf("GET /_sim/faults %v", f)
	}
	if got := post("/_sim/faults", `{"mode":"explode"}`); got != 400 {
		t.Errorf("bad mode: %d, want 400", got)
	}
	if got := post("/_sim/faults", `{"mode":"slow","delay_ms":1}`); got != 204 {
		t.Errorf("slow: %d", got)
	}
	if got := get(t, srv.URL+"/sonarr/api/v3/queue", "k").status; got != 200 {
		t.Errorf("queue after slow 1ms: %d", got)
	}
	if a.Requests("/sonarr/api/v3/queue") != 2 || a.TotalRequests() != 3 {
		t.Errorf("counts: queue %d total %d, want 2 and 3", a.Requests("/sonarr/api/v3/queue"), a.TotalRequests())
	}
}

// TestLastRequestKeepsHeaders proves tests can read what a client sent last.
func TestLastRequestKeepsHeaders(t *testing.T) {
	t.Parallel()
	a := servicetest.NewRadarr(servicetest.ArrOptions{APIKey: "k"})
	srv := servicetest.Serve(t, a)
	h := http.Header{"X-Api-Key": {"k"}, "User-Agent": {"discarr-test"}}
	do(t, nil, http.MethodGet, srv.URL+"/api/v3/queue?pageSize=50", h, nil)
	last := a.LastRequest()
	if last.Path != "/api/v3/queue" || last.RawQuery != "pageSize=50" || last.Method != "GET" {
		t.Errorf("last request %+v", last)
	}
	if a.LastHeader().Get("User-Agent") != "discarr-test" || last.Header.Get("X-Api-Key") != "k" {
		t.Errorf("last headers %v", last.Header)
	}
}

// TestListenServesUntilClosed proves Listen serves on a real port and closeFn ends a
// hanging request, stops the server and can be called twice.
func TestListenServesUntilClosed(t *testing.T) {
	t.Parallel()
	a := servicetest.NewSonarr(servicetest.ArrOptions{})
	base, closeFn, err := servicetest.Listen("127.0.0.1:0", a)
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	if r := get(t, base+"/api/v3/system/status", ""); r.status != 200 {
		t.Fatalf("status %d", r.status)
	}
	a.SetFault(servicetest.Fault{Mode: servicetest.FaultHang})
	errc := make(chan error, 1)
	go func() {
		resp, err := http.Get(base + "/api/v3/queue")
		if err == nil {
			resp.Body.Close()
		}
		errc <- err
	}()
	waitFor(t, "the hanging request", func() bool { return a.InFlight() == 1 })
	if err := closeFn(); err != nil {
		t.Fatalf("close: %v", err)
	}
	if err := <-errc; err == nil {
		t.Error("hanging request answered after close")
	}
	if err := closeFn(); err != nil {
		t.Errorf("second close: %v", err)
	}
	if _, err := http.Get(base + "/ping"); err == nil {
		t.Error("server still answers after close")
	}
}
