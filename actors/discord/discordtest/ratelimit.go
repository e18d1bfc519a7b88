package discordtest

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"net/http"
	"strconv"
	"time"
)

// Routes, as the keys of Options.RateLimits and Fault.Route. The first four have
// buckets, each per route and major parameter (the channel, or the interaction token
// for webhooks); the others name routes for Fault.Route only.
const (
	RouteMessageCreate = "message_create" // POST /channels/{c}/messages
	RouteMessageEdit   = "message_edit"   // PATCH /channels/{c}/messages/{m}
	RouteMessageDelete = "message_delete" // DELETE /channels/{c}/messages/{m}
	RouteWebhook       = "webhook"        // every /webhooks/{app}/{token} route
	RouteMessageGet    = "message_get"    // GET /channels/{c}/messages/{m}
	RouteMessageList   = "message_list"   // GET /channels/{c}/messages
	RouteCallback      = "callback"       // POST /interactions/{id}/{token}/callback
	RouteCommands      = "commands"       // GET and PUT of application commands
	RouteGateway       = "gateway"        // GET /gateway and /gateway/bot
	RouteOther         = "other"          // users, applications, guilds, channels, unknown paths
)

// RateLimit allows Limit requests per Window in one bucket.
type RateLimit struct {
	Limit  int
	Window time.Duration
}

// DefaultRateLimits are the buckets used unless Options.RateLimits overrides them.
var DefaultRateLimits = map[string]RateLimit{
	RouteMessageCreate: {Limit: 5, Window: 5 * time.Second},
	RouteMessageEdit:   {Limit: 5, Window: 5 * time.Second},
	RouteMessageDelete: {Limit: 5, Window: time.Second},
	RouteWebhook:       {Limit: 5, Window: 2 * time.Second},
}

type bucket struct {
	used    int
	resetAt time.Time
}

func (e *Emulator) limitFor(route string) RateLimit {
	if rl, ok := e.opts.RateLimits[route]; ok {
		return rl
	}
	return DefaultRateLimits[route]
}

// DefaultGlobalRateLimit is Discord's limit across every bot-token request; the
// interaction callback and webhook routes are not bound by it.
var DefaultGlobalRateLimit = RateLimit{Limit: 50, Window: time.Second}

// DefaultOldMessageEdits is the budget, per channel, for edits of messages older
// than Options.OldMessageAge. Discord documents that the budget exists (error 30046)
// but not its size; this one lets a board older than an hour be edited about every
// six minutes.
var DefaultOldMessageEdits = RateLimit{Limit: 10, Window: time.Hour}

// spend takes one request from bucket key under rl, reporting whether it was allowed,
// what remains and when the bucket resets. A limit below zero never runs out.
func (e *Emulator) spend(key string, rl RateLimit, now time.Time) (ok bool, remaining int, resetAt time.Time) {
	if rl.Limit < 0 || rl.Window <= 0 {
		return true, 1, now
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	b := e.buckets[key]
	if b == nil || !now.Before(b.resetAt) {
		b = &bucket{resetAt: now.Add(rl.Window)}
		e.buckets[key] = b
	}
	if b.used >= rl.Limit {
		return false, 0, b.resetAt
	}
	b.used++
	return true, rl.Limit - b.used, b.resetAt
}

// takeGlobal spends one request of the global limit, answering 429 when it is gone.
func (e *Emulator) takeGlobal(c *call) bool {
	ok, _, resetAt := e.spend("global", e.opts.GlobalRateLimit, c.at)
	if ok {
		return true
	}
	after := resetAt.Sub(c.at)
	e.violate(ViolationRateLimited, c.r.Method, c.r.URL.Path,
		fmt.Sprintf("global limit exhausted, retry after %.3fs", after.Seconds()))
	e.rateLimitFault(c, &Fault{Global: true, RetryAfter: after})
	return false
}

// takeOldEdit spends one edit of an old message from the channel's budget, answering
// 30046 when it is gone.
func (e *Emulator) takeOldEdit(c *call, m *Message) bool {
	if c.at.Sub(m.Timestamp) <= e.opts.OldMessageAge {
		return true
	}
	ok, _, resetAt := e.spend("old_edit:"+m.ChannelID, e.opts.OldMessageEdits, c.at)
	if ok {
		return true
	}
	after := resetAt.Sub(c.at)
	e.violate(ViolationRateLimited, c.r.Method, c.r.URL.Path,
		fmt.Sprintf("edits of messages older than %s exhausted in channel %s (30046), retry after %.3fs",
			e.opts.OldMessageAge, m.ChannelID, after.Seconds()))
	retryAfter(c.w.Header(), after)
	a := errOldMessageEdits()
	secs := math.Round(after.Seconds()*1000) / 1000
	a.RetryAfter = &secs
	c.fail(a)
	return false
}

// take spends one request from the route's bucket for major, writing Discord's
// rate-limit headers; when the bucket is empty it answers 429 and returns false.
func (e *Emulator) take(c *call, route, major string) bool {
	rl := e.limitFor(route)
	if rl.Limit <= 0 || rl.Window <= 0 {
		return true
	}
	now := c.at
	allowed, remaining, resetAt := e.spend(route+":"+major, rl, now)
	limited := !allowed
	after := resetAt.Sub(now).Seconds()
	h := c.w.Header()
	h.Set("X-RateLimit-Limit", strconv.Itoa(rl.Limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
	h.Set("X-RateLimit-Reset", strconv.FormatFloat(float64(resetAt.UnixMilli())/1000, 'f', 3, 64))
	h.Set("X-RateLimit-Reset-After", strconv.FormatFloat(after, 'f', 3, 64))
	h.Set("X-RateLimit-Bucket", bucketHash(route))
	if !limited {
		return true
	}
	h.Set("Retry-After", strconv.Itoa(int(math.Ceil(after))))
	h.Set("X-RateLimit-Scope", "user")
	e.violate(ViolationRateLimited, c.r.Method, c.r.URL.Path,
		fmt.Sprintf("%s bucket for %s exhausted, retry after %.3fs", route, major, after))
	c.code = 0
	c.status = http.StatusTooManyRequests
	h.Set("Content-Type", "application/json")
	c.w.WriteHeader(http.StatusTooManyRequests)
	_ = json.NewEncoder(c.w).Encode(map[string]any{
		"message": "You are being rate limited.", "retry_after": math.Round(after*1000) / 1000,
		"global": false,
	})
	return false
}

// bucketHash is a stable opaque bucket id per route, like Discord's.
func bucketHash(route string) string {
	h := fnv.New64a()
	_, _ = h.Write([]byte(route))
	return strconv.FormatUint(h.Sum64(), 16)
}
