package discordtest_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/discarr/discarr/actors/discord/discordtest"
)

type apiError struct {
	Code    int             `json:"code"`
	Message string          `json:"message"`
	Errors  json.RawMessage `json:"errors"`
}

func TestRESTErrors(t *testing.T) {
	t.Parallel()
	e := discordtest.Start(t, discordtest.Options{RateLimits: map[string]discordtest.RateLimit{
		discordtest.RouteMessageCreate: {Limit: 1000, Window: time.Second},
	}})
	ch := "/api/v10/channels/" + e.Info().ChannelID
	field := func(value string) map[string]any {
		fields := []map[string]any{{"name": "a", "value": "x"}, {"name": "b", "value": "x"},
			{"name": "c", "value": "x"}, {"name": "d", "value": value}}
		return map[string]any{"embeds": []any{map[string]any{"title": "t", "fields": fields}}}
	}
	tests := []struct {
		name, method, path, auth string
		body                     any
		status, code             int
		errors                   string
	}{
		{"no token", "GET", "/api/v9/users/@me", "", nil, 401, 0, ""},
		{"wrong token", "GET", "/api/v9/users/@me", "Bot nope", nil, 401, 0, ""},
		{"unknown channel", "GET", "/api/v9/channels/42", "bot", nil, 404, 10003, ""},
		{"unknown message", "GET", ch + "/messages/42", "bot", nil, 404, 10008, ""},
		{"field value 1025 code points", "POST", ch + "/messages", "bot",
			field(strings.Repeat("é", 1025)), 400, 50035,
			`{"embeds":{"0":{"fields":{"3":{"value":{"_errors":[{"code":"BASE_TYPE_MAX_LENGTH","message":"Must be 1024 or fewer in length."}]}}}}}}`},
		{"field value 1024 code points fits", "POST", ch + "/messages", "bot",
			field(strings.Repeat("é", 1024)), 200, 0, ""},
		{"content too long", "POST", ch + "/messages", "bot",
			map[string]any{"content": strings.Repeat("x", 2001)}, 400, 50035,
			`{"content":{"_errors":[{"code":"BASE_TYPE_MAX_LENGTH","message":"Must be 2000 or fewer in length."}]}}`},
		{"empty message", "POST", ch + "/messages", "bot", map[string]any{"content": ""}, 400, 50006, ""},
		{"invalid json", "POST", ch + "/messages", "bot", "{", 400, 50109, ""},
		{"six buttons in a row", "POST", ch + "/messages", "bot", map[string]any{
			"components": []any{map[string]any{"type": 1, "components": buttons(6)}}}, 400, 50035,
			`{"components":{"0":{"components":{"_errors":[{"code":"BASE_TYPE_MAX_LENGTH","message":"Must be 5 or fewer in length."}]}}}}`},
		{"unknown route", "GET", "/api/v9/nothing/here", "bot", nil, 404, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			auth := tt.auth
			if auth == "bot" {
				auth = bot(e)
			}
			var got apiError
			resp := api(t, e, tt.method, tt.path, auth, tt.body, &got)
			if resp.StatusCode != tt.status || got.Code != tt.code {
				t.Fatalf("status %d code %d (%s), want %d code %d", resp.StatusCode, got.Code,
					got.Message, tt.status, tt.code)
			}
			if tt.status == 401 && got.Message != "401: Unauthorized" {
				t.Errorf("401 message %q", got.Message)
			}
			if tt.errors != "" && !jsonEqual(got.Errors, tt.errors) {
				t.Errorf("errors\n got %s\nwant %s", got.Errors, tt.errors)
			}
		})
	}
}

func buttons(n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = map[string]any{"type": 2, "style": 1, "label": "b", "custom_id": "b" + string(rune('a'+i))}
	}
	return out
}

func jsonEqual(a json.RawMessage, b string) bool {
	var x, y any
	return json.Unmarshal(a, &x) == nil && json.Unmarshal([]byte(b), &y) == nil && mustJSON(x) == mustJSON(y)
}

func mustJSON(v any) string { b, _ := json.Marshal(v); return string(b) }

func TestMessageLifecycle(t *testing.T) {
	t.Parallel()
	e := discordtest.Start(t, discordtest.Options{})
	ch := "/api/v9/channels/" + e.Info().ChannelID + "/messages"
	var ids []string
	for i := range 3 {
		var m struct{ ID string }
		api(t, e, "POST", ch, bot(e), map[string]any{"content": "m" + string(rune('0'+i)),
			"embeds": []any{map[string]any{"title": "T"}}}, &m)
		ids = append(ids, m.ID)
	}
	var list []struct{ ID, Content string }
	api(t, e, "GET", ch+"?limit=2", bot(e), nil, &list)
	if len(list) != 2 || list[0].ID != ids[2] || list[1].ID != ids[1] {
		t.Fatalf("newest first with limit 2: %+v", list)
	}
	api(t, e, "GET", ch+"?after="+ids[0], bot(e), nil, &list)
	if len(list) != 2 || list[0].ID != ids[2] {
		t.Fatalf("after: %+v", list)
	}

	// An edit changes only the fields it names.
	var edited struct {
		Content         string
		Embeds          []struct{ Title string }
		EditedTimestamp *time.Time `json:"edited_timestamp"`
	}
	api(t, e, "PATCH", ch+"/"+ids[0], bot(e), map[string]any{"content": "new"}, &edited)
	if edited.Content != "new" || len(edited.Embeds) != 1 || edited.EditedTimestamp == nil {
		t.Fatalf("PATCH merged into %+v", edited)
	}
	if msgs := e.Messages(e.Info().ChannelID); msgs[0].Edits != 1 || msgs[0].Content != "new" {
		t.Fatalf("stored %+v", msgs[0])
	}

	if r := api(t, e, "DELETE", ch+"/"+ids[0], bot(e), nil, nil); r.StatusCode != 204 {
		t.Fatalf("DELETE status %d", r.StatusCode)
	}
	var gone apiError
	if r := api(t, e, "PATCH", ch+"/"+ids[0], bot(e), map[string]any{"content": "x"}, &gone); r.StatusCode != 404 || gone.Code != 10008 {
		t.Fatalf("PATCH after delete: %d %+v", r.StatusCode, gone)
	}
}

func TestRateLimitAnswers429WithHeaders(t *testing.T) {
	t.Parallel()
	e := discordtest.Start(t, discordtest.Options{RateLimits: map[string]discordtest.RateLimit{
		discordtest.RouteMessageCreate: {Limit: 2, Window: time.Minute},
	}})
	ch := "/api/v9/channels/" + e.Info().ChannelID + "/messages"
	for i := range 2 {
		r := api(t, e, "POST", ch, bot(e), map[string]any{"content": "x"}, nil)
		if r.StatusCode != 200 || r.Header.Get("X-RateLimit-Remaining") != string(rune('1'-i)) {
			t.Fatalf("request %d: %d remaining %q", i, r.StatusCode, r.Header.Get("X-RateLimit-Remaining"))
		}
	}
	var body struct {
		Message    string  `json:"message"`
		RetryAfter float64 `json:"retry_after"`
		Global     bool    `json:"global"`
	}
	r := api(t, e, "POST", ch, bot(e), map[string]any{"content": "x"}, &body)
	if r.StatusCode != 429 || body.Message != "You are being rate limited." || body.RetryAfter <= 0 || body.Global {
		t.Fatalf("429: %d %+v", r.StatusCode, body)
	}
	for _, h := range []string{"Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining",
		"X-RateLimit-Reset", "X-RateLimit-Reset-After", "X-RateLimit-Bucket", "X-RateLimit-Scope"} {
		if r.Header.Get(h) == "" {
			t.Errorf("429 lacks %s", h)
		}
	}
	if r.Header.Get("X-RateLimit-Limit") != "2" || r.Header.Get("X-RateLimit-Remaining") != "0" {
		t.Errorf("limit %q remaining %q", r.Header.Get("X-RateLimit-Limit"), r.Header.Get("X-RateLimit-Remaining"))
	}
	if len(e.Messages(e.Info().ChannelID)) != 2 {
		t.Error("the limited request created a message")
	}
}

func TestMentionsAreViolations(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		body    map[string]any
		violate bool
	}{
		{"plain", map[string]any{"content": "all good"}, false},
		{"everyone without allowed_mentions", map[string]any{"content": "@everyone look"}, true},
		{"everyone suppressed", map[string]any{"content": "@here", "allowed_mentions": map[string]any{"parse": []string{}}}, false},
		{"everyone allowed", map[string]any{"content": "@everyone", "allowed_mentions": map[string]any{"parse": []string{"everyone"}}}, true},
		{"named role allowed", map[string]any{"content": "<@&5>", "allowed_mentions": map[string]any{"roles": []string{"5"}}}, false},
		{"user without allowed_mentions", map[string]any{"content": "hi <@!12>"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := discordtest.Start(t, discordtest.Options{})
			api(t, e, "POST", "/api/v9/channels/"+e.Info().ChannelID+"/messages", bot(e), tt.body, nil)
			if got := len(e.Violations()) > 0; got != tt.violate {
				t.Fatalf("violations %+v, want any=%v", e.Violations(), tt.violate)
			}
		})
	}
}
