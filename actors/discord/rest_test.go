package discord_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/discarr/discarr/actors/discord"
)

// TestGlobalLimitIsSharedPerToken has Discord answer one client's request with a
// global 429: every client of that token holds its bot-token requests back without
// sending them, while interaction callbacks, which the global limit does not bind,
// still go out; a client of another token is not held.
func TestGlobalLimitIsSharedPerToken(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Method+" "+r.URL.Path)
		mu.Unlock()
		if strings.HasSuffix(r.URL.Path, "/messages") {
			w.Header().Set("Retry-After", "30")
			w.Header().Set("X-RateLimit-Global", "true")
			w.Header().Set("X-RateLimit-Scope", "global")
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = w.Write([]byte(`{"message":"You are being rate limited.","retry_after":30,"global":true}`))
			return
		}
		if strings.HasSuffix(r.URL.Path, "/callback") {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"id":"1","username":"discarr"}`))
	}))
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	boards := discord.NewREST(u, "token-a", nil, "test")
	gateway := boards.Sibling(nil)
	answers := boards.Sibling(&http.Client{})
	other := discord.NewREST(u, "token-b", nil, "test")
	ctx := context.Background()

	_, err := boards.CreateMessage(ctx, "100", discord.Payload{Content: "hello"})
	var api *discord.APIError
	if !errors.As(err, &api) || !api.Global || api.Held {
		t.Fatalf("the first post got %v, want Discord's global 429", err)
	}
	sent := func() int { mu.Lock(); defer mu.Unlock(); return len(seen) }
	before := sent()
	for name, c := range map[string]*discord.REST{"boards": boards, "gateway": gateway, "interactions": answers} {
		_, err := c.Me(ctx)
		if !errors.As(err, &api) || !api.Held || api.RetryAfter <= 0 {
			t.Errorf("%s client: GET /users/@me got %v, want it held for the global limit", name, err)
		}
	}
	if n := sent() - before; n != 0 {
		t.Fatalf("%d requests reached Discord during the global limit, want 0", n)
	}
	if err := answers.Do(ctx, http.MethodPost, "/interactions/1/tok/callback",
		map[string]any{"type": 6}, nil); err != nil {
		t.Fatalf("an interaction callback was held by the global limit: %v", err)
	}
	if _, err := other.Me(ctx); err != nil {
		t.Fatalf("another token's client was held: %v", err)
	}
}

func TestAPIErrorSaysTheStatusOnce(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  discord.APIError
		want string
	}{
		{discord.APIError{Method: "POST", Route: "/channels/1/messages", Status: 401, Message: "401: Unauthorized"},
			"discord POST /channels/1/messages: 401: Unauthorized"},
		{discord.APIError{Method: "PATCH", Route: "/channels/1/messages/2", Status: 404, Code: 10008, Message: "Unknown Message"},
			"discord PATCH /channels/1/messages/2: 404 code 10008: Unknown Message"},
		{discord.APIError{Method: "GET", Route: "/users/@me", Status: 502},
			"discord GET /users/@me: 502"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
}
