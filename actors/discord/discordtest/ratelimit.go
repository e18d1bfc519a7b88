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

// Rate-limited routes, the keys of Options.RateLimits. Each bucket is per route and
// major parameter (the channel, or the interaction token for webhooks).
const (
	RouteMessageCreate = "message_create" // POST /channels/{c}/messages
	RouteMessageEdit   = "message_edit"   // PATCH /channels/{c}/messages/{m}
	RouteMessageDelete = "message_delete" // DELETE /channels/{c}/messages/{m}
	RouteWebhook       = "webhook"        // every /webhooks/{app}/{token} route
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

// take spends one request from the route's bucket for major, writing Discord's
// rate-limit headers; when the bucket is empty it answers 429 and returns false.
func (e *Emulator) take(c *call, route, major string) bool {
	rl := e.limitFor(route)
	if rl.Limit <= 0 || rl.Window <= 0 {
		return true
	}
	now := c.at
	e.mu.Lock()
	b := e.buckets[route+":"+major]
	if b == nil || !now.Before(b.resetAt) {
		b = &bucket{resetAt: now.Add(rl.Window)}
		e.buckets[route+":"+major] = b
	}
	limited := b.used >= rl.Limit
	if !limited {
		b.used++
	}
	remaining, resetAt := rl.Limit-b.used, b.resetAt
	e.mu.Unlock()

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
