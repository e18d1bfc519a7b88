package discordtest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/discarr/discarr/actors/discord/discordtest"
)

// raw sends one REST request and returns the response with its body read, or the
// transport error.
func raw(e *discordtest.Emulator, client *http.Client, method, path, body string) (*http.Response, string, error) {
	req, _ := http.NewRequest(method, strings.TrimSuffix(e.URL(), "/")+path, strings.NewReader(body))
	req.Header.Set("Authorization", bot(e))
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b), nil
}

func TestInjectedRESTFaults(t *testing.T) {
	t.Parallel()
	create := func(e *discordtest.Emulator) (string, string) {
		return "POST", "/api/v9/channels/" + e.Info().ChannelID + "/messages"
	}
	tests := []struct {
		name    string
		fault   discordtest.Fault
		status  int
		headers map[string]string
		body    string // part of the body
	}{
		{"429 on a route", discordtest.Fault{Kind: discordtest.FaultRateLimit, Route: discordtest.RouteMessageCreate,
			RetryAfter: 2500 * time.Millisecond}, 429,
			map[string]string{"Retry-After": "3", "X-RateLimit-Remaining": "0", "X-RateLimit-Scope": "user"},
			`"retry_after":2.5`},
		{"global 429", discordtest.Fault{Kind: discordtest.FaultRateLimit, Global: true}, 429,
			map[string]string{"Retry-After": "1", "X-RateLimit-Global": "true", "X-RateLimit-Scope": "global"},
			`"global":true`},
		{"429 from Cloudflare", discordtest.Fault{Kind: discordtest.FaultRateLimitHTML}, 429,
			map[string]string{"Content-Type": "text/html; charset=UTF-8"}, "Error 1015"},
		{"500", discordtest.Fault{Kind: discordtest.FaultStatus, Status: 500}, 500,
			map[string]string{"Content-Type": "application/json"}, `"500: Internal Server Error"`},
		{"502", discordtest.Fault{Kind: discordtest.FaultStatus, Status: 502}, 502,
			map[string]string{"Content-Type": "text/html"}, "502 Bad Gateway"},
		{"503", discordtest.Fault{Kind: discordtest.FaultStatus, Status: 503}, 503,
			map[string]string{"Content-Type": "text/plain"}, "upstream connect error"},
		{"504", discordtest.Fault{Kind: discordtest.FaultStatus, Status: 504}, 504, nil, "504 Gateway Timeout"},
		{"10003", discordtest.Fault{Kind: discordtest.FaultError, Code: 10003}, 404, nil, `"code":10003`},
		{"50013", discordtest.Fault{Kind: discordtest.FaultError, Code: 50013}, 403, nil, `"Missing Permissions"`},
		{"30046", discordtest.Fault{Kind: discordtest.FaultError, Code: 30046}, 429,
			map[string]string{"Retry-After": "1"}, `"code":30046`},
		{"slow", discordtest.Fault{Kind: discordtest.FaultDelay, Delay: 20 * time.Millisecond}, 200, nil, `"content":"x"`},
		{"other route untouched", discordtest.Fault{Kind: discordtest.FaultStatus, Status: 500,
			Route: discordtest.RouteMessageEdit}, 200, nil, `"content":"x"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := discordtest.Start(t, discordtest.Options{})
			id := e.Inject(tt.fault)
			method, path := create(e)
			resp, body, err := raw(e, http.DefaultClient, method, path, `{"content":"x"}`)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tt.status || !strings.Contains(body, tt.body) {
				t.Errorf("status %d body %q; want %d with %q", resp.StatusCode, body, tt.status, tt.body)
			}
			for k, v := range tt.headers {
				if got := resp.Header.Get(k); got != v {
					t.Errorf("%s: %q, want %q", k, got, v)
				}
			}
			if want := map[bool]int{true: 1, false: 0}[tt.status != 200 || tt.fault.Kind == discordtest.FaultDelay]; e.Fired(id) != want {
				t.Errorf("fired %d, want %d", e.Fired(id), want)
			}
			if resp, _, _ := raw(e, http.DefaultClient, method, path, `{"content":"y"}`); resp.StatusCode != 200 {
				t.Errorf("second request %d: a fault given once fired twice", resp.StatusCode)
			}
		})
	}
}

func TestUnknownMessageOnTheNextEdit(t *testing.T) {
	t.Parallel()
	e := discordtest.Start(t, discordtest.Options{})
	id := post(t, e, "board")
	f := e.Inject(discordtest.Fault{Kind: discordtest.FaultError, Code: 10008, Route: discordtest.RouteMessageEdit})
	path := "/api/v9/channels/" + e.Info().ChannelID + "/messages/" + id
	var got apiError
	r := api(t, e, "PATCH", path, bot(e), map[string]any{"content": "new"}, &got)
	if r.StatusCode != 404 || got.Code != 10008 || e.Fired(f) != 1 {
		t.Fatalf("edit %d %+v fired %d", r.StatusCode, got, e.Fired(f))
	}
	if r := api(t, e, "PATCH", path, bot(e), map[string]any{"content": "new"}, nil); r.StatusCode != 200 {
		t.Errorf("next edit %d", r.StatusCode)
	}
}

func TestHangingAndResetRequests(t *testing.T) {
	t.Parallel()
	for _, kind := range []discordtest.FaultKind{discordtest.FaultHang, discordtest.FaultReset} {
		t.Run(string(kind), func(t *testing.T) {
			t.Parallel()
			e := discordtest.Start(t, discordtest.Options{})
			id := e.Inject(discordtest.Fault{Kind: kind})
			client := &http.Client{Timeout: 300 * time.Millisecond}
			if _, _, err := raw(e, client, "GET", "/api/v9/users/@me", ""); err == nil {
				t.Error("the request succeeded")
			}
			if e.Fired(id) != 1 {
				t.Errorf("fired %d", e.Fired(id))
			}
		})
	}
}

func TestFaultTimesAndProbability(t *testing.T) {
	t.Parallel()
	count := func(f discordtest.Fault) int {
		e := discordtest.Start(t, discordtest.Options{GlobalRateLimit: discordtest.RateLimit{Limit: -1}})
		id := e.Inject(f)
		failed := 0
		for range 40 {
			if resp, _, _ := raw(e, http.DefaultClient, "GET", "/api/v9/users/@me", ""); resp.StatusCode != 200 {
				failed++
			}
		}
		if failed != e.Fired(id) {
			t.Errorf("%d failures, fired %d", failed, e.Fired(id))
		}
		return failed
	}
	if n := count(discordtest.Fault{Kind: discordtest.FaultStatus, Status: 502, Times: 3}); n != 3 {
		t.Errorf("Times 3 failed %d requests", n)
	}
	if n := count(discordtest.Fault{Kind: discordtest.FaultStatus, Status: 502, Times: discordtest.Always}); n != 40 {
		t.Errorf("Always failed %d of 40", n)
	}
	half := discordtest.Fault{Kind: discordtest.FaultStatus, Status: 502, Times: discordtest.Always, Probability: 0.5, Seed: 7}
	a, b := count(half), count(half)
	if a != b || a < 5 || a > 35 {
		t.Errorf("probability 0.5 failed %d then %d of 40", a, b)
	}
}

func TestRateLimitBodyDecodes(t *testing.T) {
	t.Parallel()
	e := discordtest.Start(t, discordtest.Options{})
	e.Inject(discordtest.Fault{Kind: discordtest.FaultRateLimit, RetryAfter: 1500 * time.Millisecond})
	_, body, _ := raw(e, http.DefaultClient, "GET", "/api/v9/users/@me", "")
	var rl struct {
		Message    string  `json:"message"`
		RetryAfter float64 `json:"retry_after"`
		Global     bool    `json:"global"`
	}
	if err := json.Unmarshal([]byte(body), &rl); err != nil || rl.RetryAfter != 1.5 || rl.Message == "" {
		t.Errorf("body %q: %+v %v", body, rl, err)
	}
}
