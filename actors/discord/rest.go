package discord

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/discarr/discarr/actors/metrics"
)

// APIVersion is the Discord REST API version discarr speaks.
const APIVersion = "10"

// REST is discarr's Discord REST client: the few routes it uses, with Discord's rate
// limits tracked per route so that a request that would be refused is not sent. Each
// role (boards, interactions) gets its own REST, so an interaction callback never
// waits behind a board edit's bucket. discordgo's REST layer is not used: it sleeps
// holding bucket locks, retries 429s without a cap, shares one bucket for every
// interaction's @original and sends stray keys on edits.
type REST struct {
	base   *url.URL // .../api/v10/
	token  string
	http   *http.Client
	agent  string
	global *globalLimit
	now    func() time.Time

	mu      sync.Mutex
	buckets map[string]bucket
}

// globalLimit is Discord's budget across every request made with one bot token: the
// clients that share a token share it, so that after a global 429 none of them
// sends. Interaction callbacks and follow-ups are not bound to it.
type globalLimit struct {
	mu    sync.Mutex
	until time.Time
}

type bucket struct {
	remaining int
	reset     time.Time
}

// NewREST returns a client for the Discord-compatible server at apiURL (the product
// uses https://discord.com/). token is the bare bot token.
func NewREST(apiURL *url.URL, token string, client *http.Client, version string) *REST {
	base := *apiURL
	base.Path = strings.TrimSuffix(base.Path, "/") + "/api/v" + APIVersion + "/"
	if client == nil {
		client = &http.Client{Timeout: 15 * time.Second}
	}
	return &REST{
		base: &base, token: token, http: client, buckets: map[string]bucket{}, now: time.Now,
		agent:  "DiscordBot (https://github.com/discarr/discarr, " + version + ")",
		global: &globalLimit{},
	}
}

// Sibling returns a client for the same server and token with buckets of its own,
// so that its routes never wait behind r's, and the token's global limit shared
// with r. client, when not nil, replaces r's HTTP client, to keep the connection
// pools apart too.
func (r *REST) Sibling(client *http.Client) *REST {
	if client == nil {
		client = r.http
	}
	return &REST{base: r.base, token: r.token, http: client, agent: r.agent, global: r.global,
		now: r.now, buckets: map[string]bucket{}}
}

// APIError is a refusal from Discord, or a request held back because Discord would
// refuse it (Status 429 with Held set).
type APIError struct {
	Method, Route string
	Status, Code  int
	Message       string
	RetryAfter    time.Duration
	Global, Held  bool
	// Errors is Discord's nested field error object, for 50035.
	Errors json.RawMessage
}

// Error describes the refusal, naming the route without any token in it.
func (e *APIError) Error() string {
	if e.Held {
		return fmt.Sprintf("discord %s %s: rate limited for %s", e.Method, e.Route, e.RetryAfter)
	}
	s := fmt.Sprintf("discord %s %s: %d", e.Method, e.Route, e.Status)
	if e.Code != 0 {
		s += fmt.Sprintf(" code %d", e.Code)
	}
	// Discord's message for a bare status repeats it ("401: Unauthorized").
	if msg := strings.TrimPrefix(e.Message, strconv.Itoa(e.Status)+": "); msg != "" {
		s += ": " + msg
	}
	if len(e.Errors) > 0 {
		s += " " + string(e.Errors)
	}
	return s
}

// Discord JSON error codes discarr acts on.
const (
	CodeUnknownChannel     = 10003
	CodeUnknownMessage     = 10008
	CodeUnknownInteraction = 10062
	CodeMaxOldEdits        = 30046
	CodeMissingAccess      = 50001
	CodeMissingPermissions = 50013
	CodeAlreadyAcked       = 40060
	CodeInvalidFormBody    = 50035
)

// Do sends one request. body, when not nil, is sent as JSON; out, when not nil,
// receives the JSON answer.
func (r *REST) Do(ctx context.Context, method, path string, body, out any) error {
	route := routeKey(method, path)
	if wait := r.holdFor(route, usesToken(path)); wait > 0 {
		metrics.CountRateLimitHeld(route)
		return &APIError{Method: method, Route: redactPath(path), Status: http.StatusTooManyRequests,
			RetryAfter: wait, Held: true}
	}

	req, err := r.newRequest(ctx, method, path, body)
	if err != nil {
		return err
	}
	resp, err := r.http.Do(req)
	if err != nil {
		metrics.CountDiscordRequest(route, 0)
		return fmt.Errorf("discord %s %s: %w", method, redactPath(path), scrub(err, path))
	}
	defer resp.Body.Close()
	metrics.CountDiscordRequest(route, resp.StatusCode)
	data, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return fmt.Errorf("discord %s %s: read answer: %w", method, redactPath(path), err)
	}
	r.learn(route, resp)

	if resp.StatusCode >= 300 {
		return r.refusal(method, path, resp, data)
	}
	if out != nil && len(data) > 0 && resp.StatusCode != http.StatusNoContent {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("discord %s %s: decode answer: %w", method, redactPath(path), err)
		}
	}
	return nil
}

func (r *REST) newRequest(ctx context.Context, method, path string, body any) (*http.Request, error) {
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("discord %s %s: encode body: %w", method, redactPath(path), err)
		}
		rd = bytes.NewReader(data)
	}
	p, query, _ := strings.Cut(strings.TrimPrefix(path, "/"), "?")
	u := r.base.ResolveReference(&url.URL{Path: p, RawQuery: query})
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return nil, fmt.Errorf("discord %s %s: %w", method, redactPath(path), err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if usesToken(path) {
		req.Header.Set("Authorization", "Bot "+r.token)
	}
	req.Header.Set("User-Agent", r.agent)
	return req, nil
}

func (r *REST) refusal(method, path string, resp *http.Response, data []byte) error {
	e := &APIError{Method: method, Route: redactPath(path), Status: resp.StatusCode}
	var body struct {
		Code       int             `json:"code"`
		Message    string          `json:"message"`
		RetryAfter float64         `json:"retry_after"`
		Global     bool            `json:"global"`
		Errors     json.RawMessage `json:"errors"`
	}
	if json.Unmarshal(data, &body) == nil {
		e.Code, e.Message, e.Global, e.Errors = body.Code, body.Message, body.Global, body.Errors
		e.RetryAfter = time.Duration(body.RetryAfter * float64(time.Second))
	} else if len(data) > 0 {
		e.Message = strings.TrimSpace(string(data[:min(len(data), 200)]))
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		if s, err := strconv.ParseFloat(resp.Header.Get("Retry-After"), 64); err == nil && e.RetryAfter == 0 {
			e.RetryAfter = time.Duration(s * float64(time.Second))
		}
		if e.RetryAfter <= 0 {
			e.RetryAfter = time.Second
		}
		if e.Global || resp.Header.Get("X-RateLimit-Global") == "true" {
			r.global.mu.Lock()
			r.global.until = r.now().Add(e.RetryAfter)
			r.global.mu.Unlock()
		}
	}
	return e
}

// holdFor is how long a request on route must wait for its bucket, or for the
// token's global limit when it is sent with the token; zero when it may go.
func (r *REST) holdFor(route string, global bool) time.Duration {
	now := r.now()
	if global {
		r.global.mu.Lock()
		until := r.global.until
		r.global.mu.Unlock()
		if now.Before(until) {
			return until.Sub(now)
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	b, ok := r.buckets[route]
	if !ok || b.remaining > 0 || !now.Before(b.reset) {
		return 0
	}
	return b.reset.Sub(now)
}

// learn records the bucket state Discord reported for route.
func (r *REST) learn(route string, resp *http.Response) {
	rem, err1 := strconv.Atoi(resp.Header.Get("X-RateLimit-Remaining"))
	after, err2 := strconv.ParseFloat(resp.Header.Get("X-RateLimit-Reset-After"), 64)
	if resp.StatusCode == http.StatusTooManyRequests && err2 != nil {
		after, err2 = strconv.ParseFloat(resp.Header.Get("Retry-After"), 64)
		rem, err1 = 0, nil
	}
	if err1 != nil || err2 != nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.buckets[route] = bucket{remaining: rem,
		reset: r.now().Add(time.Duration(after * float64(time.Second)))}
}

// usesToken reports whether a request on path is sent with the bot token: an
// interaction's callback and follow-ups are authorised by the interaction's own token.
func usesToken(path string) bool {
	return !strings.HasPrefix(path, "/interactions/") && !strings.HasPrefix(path, "/webhooks/")
}

// routeKey names the rate-limit bucket of a request: the method and the path with
// every ID replaced, except the major parameters (channel, guild, webhook) that
// Discord buckets by.
func routeKey(method, path string) string {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	for i, p := range parts {
		if i > 0 && isMajor(parts[i-1]) {
			continue
		}
		if p != "" && (p[0] >= '0' && p[0] <= '9') {
			parts[i] = ":id"
		}
	}
	if len(parts) > 2 && (parts[0] == "interactions" || parts[0] == "webhooks") {
		parts[2] = ":token"
	}
	return method + " /" + strings.Join(parts, "/")
}

func isMajor(seg string) bool {
	return seg == "channels" || seg == "guilds" || seg == "webhooks"
}

// redactPath hides the interaction token in interaction and webhook paths.
func redactPath(path string) string {
	parts := strings.Split(path, "/")
	for i := 0; i+2 < len(parts); i++ {
		if parts[i] == "interactions" || parts[i] == "webhooks" {
			parts[i+2] = "…"
			break
		}
	}
	return strings.Join(parts, "/")
}

// scrub keeps a transport error (which quotes the whole URL) from repeating the
// interaction token of an interaction or webhook path.
func scrub(err error, path string) error {
	parts := strings.Split(path, "/")
	for i := 0; i+2 < len(parts); i++ {
		if (parts[i] == "interactions" || parts[i] == "webhooks") && parts[i+2] != "" {
			return fmt.Errorf("%s", strings.ReplaceAll(err.Error(), parts[i+2], "…"))
		}
	}
	return err
}
