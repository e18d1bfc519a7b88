package metrics_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/discarr/discarr/actors/metrics"
	"github.com/discarr/discarr/messages"
)

// serve runs the endpoint on a fresh 127.0.0.1 port and returns its base URL.
func serve(t *testing.T, ready func() bool) (string, func()) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	stop := metrics.ServeListener(context.Background(), ln, ready, nil)
	t.Cleanup(stop)
	return "http://" + ln.Addr().String(), stop
}

// get fetches url and returns the status and the body.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read %s: %v", url, err)
	}
	return resp.StatusCode, string(body)
}

// TestMetricsEndpointExposesEveryMetric records one of everything and scrapes it over
// real HTTP, checking each series with its labels in the text exposition format.
func TestMetricsEndpointExposesEveryMetric(t *testing.T) {
	t.Parallel()
	metrics.ObservePoll("sonarr_m", "sonarr", 120*time.Millisecond, false)
	metrics.ObservePoll("sonarr_m", "sonarr", 2*time.Second, true)
	metrics.SetHealth("sonarr_m", "sonarr", messages.HealthWarning)
	metrics.SetHealth("sonarr_m", "sonarr", messages.HealthCritical)
	metrics.ObserveAck(3 * time.Millisecond)
	metrics.CountDiscordRequest("PATCH /channels/7/messages/:id", 200)
	metrics.CountDiscordRequest("PATCH /channels/7/messages/:id", 429)
	metrics.CountDiscordRequest("GET /users/@me", 0)
	metrics.CountRateLimitHeld("POST /channels/7/messages")
	metrics.CountBoardEdit("downloads_m")
	metrics.CountGatewayReconnect(4009)
	metrics.CountGatewayReconnect(0)

	base, _ := serve(t, func() bool { return true })
	status, body := get(t, base+"/metrics")
	if status != http.StatusOK {
		t.Fatalf("GET /metrics: %d\n%s", status, body)
	}
	for _, want := range []string{
		`discarr_poll_duration_seconds_count{kind="sonarr",service="sonarr_m"} 2`,
		`discarr_poll_errors_total{kind="sonarr",service="sonarr_m"} 1`,
		`discarr_service_health{kind="sonarr",service="sonarr_m",state="critical"} 1`,
		`discarr_service_health{kind="sonarr",service="sonarr_m",state="warning"} 0`,
		`discarr_service_health{kind="sonarr",service="sonarr_m",state="ok"} 0`,
		`discarr_service_health{kind="sonarr",service="sonarr_m",state="unknown"} 0`,
		`discarr_interaction_ack_seconds_bucket{le="0.005"}`,
		`discarr_discord_requests_total{route="PATCH /channels/7/messages/:id",status="200"} 1`,
		`discarr_discord_requests_total{route="PATCH /channels/7/messages/:id",status="429"} 1`,
		`discarr_discord_requests_total{route="GET /users/@me",status="error"} 1`,
		`discarr_discord_rate_limited_total{route="PATCH /channels/7/messages/:id"} 1`,
		`discarr_discord_rate_limited_total{route="POST /channels/7/messages"} 1`,
		`discarr_board_edits_total{board="downloads_m"} 1`,
		`discarr_gateway_reconnects_total{close_code="4009"}`,
		`discarr_gateway_reconnects_total{close_code="none"}`,
		"# TYPE discarr_gateway_connected gauge",
		"# TYPE discarr_actor_restarts_total counter",
		"# TYPE discarr_actor_panics_total counter",
		"go_goroutines ",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if t.Failed() {
		t.Logf("/metrics:\n%s", body)
	}
}

// TestForgetServiceDropsItsSeries proves a service removed by a reload leaves no
// stale health series behind.
func TestForgetServiceDropsItsSeries(t *testing.T) {
	t.Parallel()
	metrics.ObservePoll("gone_f", "radarr", time.Second, true)
	metrics.SetHealth("gone_f", "radarr", messages.HealthOK)
	metrics.ForgetService("gone_f")

	base, _ := serve(t, func() bool { return true })
	_, body := get(t, base+"/metrics")
	if strings.Contains(body, `service="gone_f"`) {
		t.Errorf("/metrics still has series of a forgotten service:\n%s", body)
	}
}

// TestHealthzFollowsReady proves /healthz answers 200 "ok" while ready holds and 503
// as soon as it does not, asking ready on every request.
func TestHealthzFollowsReady(t *testing.T) {
	t.Parallel()
	var up atomic.Bool
	base, _ := serve(t, up.Load)
	for _, tc := range []struct {
		ready  bool
		status int
		body   string
	}{
		{false, http.StatusServiceUnavailable, "not ready"},
		{true, http.StatusOK, "ok"},
		{false, http.StatusServiceUnavailable, "not ready"},
	} {
		up.Store(tc.ready)
		status, body := get(t, base+"/healthz")
		if status != tc.status || !strings.HasPrefix(body, tc.body) {
			t.Errorf("ready=%v: /healthz %d %q, want %d %q", tc.ready, status, body, tc.status, tc.body)
		}
	}
}

// TestServeRefusesABusyAddress proves a listen error comes back to the caller.
func TestServeRefusesABusyAddress(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	stop, err := metrics.Serve(context.Background(), ln.Addr().String(), nil, nil)
	if err == nil {
		stop()
		t.Fatal("Serve on a busy address returned no error")
	}
	if !errors.Is(err, syscall.EADDRINUSE) || !strings.Contains(err.Error(), ln.Addr().String()) {
		t.Errorf("error %q does not name the address in use", err)
	}
}

// TestServeStopsWithItsContext proves cancelling the context closes the listener,
// and that stop may still be called afterwards.
func TestServeStopsWithItsContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	stop, err := metrics.Serve(ctx, "127.0.0.1:0", func() bool { return true }, nil)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	stopOwn := metrics.ServeListener(ctx, ln, func() bool { return true }, nil)
	if status, _ := get(t, "http://"+addr+"/healthz"); status != http.StatusOK {
		t.Fatalf("/healthz before cancel: %d", status)
	}
	cancel()
	deadline := time.Now().Add(5 * time.Second)
	for {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			break
		}
		conn.Close()
		if time.Now().After(deadline) {
			t.Fatal("endpoint still accepts connections after its context ended")
		}
		time.Sleep(10 * time.Millisecond)
	}
	stop()
	stopOwn()
}
