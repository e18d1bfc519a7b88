package discordtest_test

import (
	"strconv"
	"testing"

	"github.com/discarr/discarr/actors/discord/discordtest"
)

// TestFaultsOverHTTP arms a fault through the control surface, as the demo's user
// would, sees it fire and reads its count back; requests it cannot honour are 400.
func TestFaultsOverHTTP(t *testing.T) {
	t.Parallel()
	e := discordtest.Start(t, discordtest.Options{})
	bot := "Bot " + e.Info().Token

	var armed map[string]int
	if r := api(t, e, "POST", "/_emulator/faults", "", map[string]any{
		"kind": "status", "status": 503, "route": "other", "method": "GET"}, &armed); r.StatusCode != 201 {
		t.Fatalf("arming: %d %v", r.StatusCode, armed)
	}
	if r := api(t, e, "GET", "/api/v10/users/@me", bot, nil, nil); r.StatusCode != 503 {
		t.Fatalf("GET /users/@me under the fault: %d, want 503", r.StatusCode)
	}
	if r := api(t, e, "GET", "/api/v10/users/@me", bot, nil, nil); r.StatusCode != 200 {
		t.Fatalf("GET /users/@me after the fault fired once: %d, want 200", r.StatusCode)
	}
	var count map[string]int
	api(t, e, "GET", "/_emulator/faults/"+strconv.Itoa(armed["id"]), "", nil, &count)
	if count["fired"] != 1 {
		t.Fatalf("fault fired %d times, want 1", count["fired"])
	}
	if r := api(t, e, "DELETE", "/_emulator/faults/"+strconv.Itoa(armed["id"]), "", nil, nil); r.StatusCode != 204 {
		t.Fatalf("DELETE: %d", r.StatusCode)
	}

	if r := api(t, e, "GET", "/_emulator/faults/9999", "", nil, nil); r.StatusCode != 404 {
		t.Errorf("GET of a fault never armed: %d, want 404", r.StatusCode)
	}
	for name, body := range map[string]map[string]any{
		"unknown kind":    {"kind": "explode"},
		"bad duration":    {"kind": "delay", "delay": "soon"},
		"unknown key":     {"kind": "drop", "when": "now"},
		"wrong key type":  {"kind": "close", "code": "4009"},
		"close, no code":  {"kind": "close"},
		"unknown trigger": {"kind": "drop", "on": "whenever"},
		"unknown route":   {"kind": "status", "status": 503, "route": "no_such_route"},
		"status 200":      {"kind": "status", "status": 200},
		"rest on gateway": {"kind": "hang", "on": "heartbeat"},
		"gateway on rest": {"kind": "no_heartbeat_ack", "on": "request"},
		"times -5":        {"kind": "drop", "times": -5},
		"probability 7":   {"kind": "drop", "probability": 7},
		"negative wait":   {"kind": "rate_limit", "retry_after": "-5s"},
	} {
		var got map[string]string
		if r := api(t, e, "POST", "/_emulator/faults", "", body, &got); r.StatusCode != 400 || got["error"] == "" {
			t.Errorf("%s: %d %v, want 400 saying why", name, r.StatusCode, got)
		}
	}
}
