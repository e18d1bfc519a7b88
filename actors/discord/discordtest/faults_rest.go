package discordtest

import (
	"fmt"
	"math"
	"net"
	"net/http"
	"strconv"
	"time"
)

// Faults is the older, switch-like way to make the emulator misbehave; each field
// set arms a fault that fires on every match, and SetFaults replaces them all.
type Faults struct {
	// NoHello accepts gateway connections but never sends HELLO.
	NoHello bool
	// NoReady accepts IDENTIFY but never answers READY.
	NoReady bool
	// CloseCode, when set, closes each connection with this code right after IDENTIFY
	// (4004 authentication failed, 4014 disallowed intents, ...).
	CloseCode int
	// RESTDelay holds every bot-token REST response this long.
	RESTDelay time.Duration
	// RESTStatus answers every bot-token REST request with this status (500, 502, 503)
	// instead of serving it. Interaction callbacks and webhooks are not affected.
	RESTStatus int
}

// SetFaults replaces the faults armed by the previous SetFaults; the zero Faults turns
// them all off. Faults armed with Inject are left alone.
func (e *Emulator) SetFaults(f Faults) {
	e.mu.Lock()
	old := e.setFaultIDs
	e.setFaultIDs = nil
	for _, id := range old {
		e.removeFaultLocked(id)
	}
	e.mu.Unlock()
	var ids []FaultID
	arm := func(on bool, fault Fault) {
		if on {
			fault.Times = Always
			ids = append(ids, e.Inject(fault))
		}
	}
	arm(f.NoHello, Fault{Kind: FaultNoHello})
	arm(f.NoReady, Fault{Kind: FaultNoReady})
	arm(f.CloseCode != 0, Fault{Kind: FaultClose, Code: f.CloseCode})
	arm(f.RESTDelay > 0, Fault{Kind: FaultDelay, Delay: f.RESTDelay})
	arm(f.RESTStatus != 0, Fault{Kind: FaultStatus, Status: f.RESTStatus})
	e.mu.Lock()
	e.setFaultIDs = ids
	e.mu.Unlock()
}

// RouteAny, as Fault.Route, matches every REST request, interaction callbacks and
// webhooks included.
const RouteAny = "*"

// restMatch is the fire filter for a REST request.
func restMatch(c *call, auth bool, kinds ...FaultKind) func(*Fault) bool {
	isKind := kindIs(kinds...)
	return func(f *Fault) bool {
		if !isKind(f) || (f.Method != "" && f.Method != c.r.Method) {
			return false
		}
		switch f.Route {
		case RouteAny:
			return true
		case "":
			return auth
		}
		return f.Route == c.route
	}
}

// restFault applies the REST faults to a request and reports whether it answered the
// request itself.
func (e *Emulator) restFault(c *call, auth bool) bool {
	if f := e.fire(OnRequest, restMatch(c, auth, FaultDelay)); f != nil {
		t := time.NewTimer(f.Delay)
		select {
		case <-t.C:
		case <-c.r.Context().Done():
			t.Stop()
		}
	}
	f := e.fire(OnRequest, restMatch(c, auth, FaultRateLimit, FaultRateLimitHTML,
		FaultStatus, FaultHang, FaultReset, FaultError))
	if f == nil {
		return false
	}
	switch f.Kind {
	case FaultRateLimit:
		e.rateLimitFault(c, f)
	case FaultRateLimitHTML:
		retryAfter(c.w.Header(), retryOf(f))
		c.raw(http.StatusTooManyRequests, "text/html; charset=UTF-8", orBody(f.Body, cloudflareBan))
	case FaultStatus:
		c.statusFault(f)
	case FaultHang:
		<-c.r.Context().Done()
		c.status = 0
	case FaultReset:
		c.reset()
	case FaultError:
		a := knownError(f.Code)
		if f.Status != 0 {
			a.Status = f.Status
		}
		if a.Status == http.StatusTooManyRequests {
			retryAfter(c.w.Header(), retryOf(f))
			secs := retryOf(f).Seconds()
			a.RetryAfter = &secs
		}
		c.fail(a)
	}
	return true
}

func retryOf(f *Fault) time.Duration {
	if f.RetryAfter > 0 {
		return f.RetryAfter
	}
	return time.Second
}

func orBody(body, def string) string {
	if body != "" {
		return body
	}
	return def
}

// retryAfter sets Retry-After in whole seconds, rounded up, as Discord does.
func retryAfter(h http.Header, d time.Duration) {
	h.Set("Retry-After", strconv.Itoa(int(math.Ceil(d.Seconds()))))
}

// rateLimitFault answers a 429 for the route's bucket or for the global limit.
func (e *Emulator) rateLimitFault(c *call, f *Fault) {
	after := retryOf(f)
	h := c.w.Header()
	retryAfter(h, after)
	if f.Global {
		h.Set("X-RateLimit-Global", "true")
		h.Set("X-RateLimit-Scope", "global")
	} else {
		rl := e.limitFor(c.route)
		h.Set("X-RateLimit-Limit", strconv.Itoa(max(rl.Limit, 1)))
		h.Set("X-RateLimit-Remaining", "0")
		reset := c.at.Add(after)
		h.Set("X-RateLimit-Reset", strconv.FormatFloat(float64(reset.UnixMilli())/1000, 'f', 3, 64))
		h.Set("X-RateLimit-Reset-After", strconv.FormatFloat(after.Seconds(), 'f', 3, 64))
		h.Set("X-RateLimit-Bucket", bucketHash(c.route))
		h.Set("X-RateLimit-Scope", "user")
	}
	c.reply(http.StatusTooManyRequests, map[string]any{
		"message": "You are being rate limited.", "retry_after": math.Round(after.Seconds()*1000) / 1000,
		"global": f.Global,
	})
}

// Bodies of Discord's edge for the statuses it answers without reaching the API.
const (
	cloudflareBan = "<!DOCTYPE html>\n<html><head><title>Access denied | discord.com used Cloudflare to restrict access</title></head>\n" +
		"<body><h1>Error 1015</h1><h2>You are being rate limited</h2></body></html>\n"
	badGatewayPage = "<html>\r\n<head><title>%d %s</title></head>\r\n<body>\r\n<center><h1>%d %s</h1></center>\r\n" +
		"<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n"
	upstreamReset = "upstream connect error or disconnect/reset before headers. reset reason: connection termination"
)

// statusFault answers a 5xx the way Discord's front does: JSON from the API for 500,
// an HTML page from Cloudflare for 502 and 504, plain text from the proxy for 503.
func (c *call) statusFault(f *Fault) {
	text := http.StatusText(f.Status)
	switch {
	case f.Body != "":
		c.raw(f.Status, "text/plain; charset=utf-8", f.Body)
	case f.Status == http.StatusBadGateway || f.Status == http.StatusGatewayTimeout:
		c.raw(f.Status, "text/html", fmt.Sprintf(badGatewayPage, f.Status, text, f.Status, text))
	case f.Status == http.StatusServiceUnavailable:
		c.raw(f.Status, "text/plain", upstreamReset)
	default:
		c.fail(apiErr(f.Status, 0, strconv.Itoa(f.Status)+": "+text))
	}
}

// raw writes a body that is not JSON.
func (c *call) raw(status int, contentType, body string) {
	c.status = status
	c.w.Header().Set("Content-Type", contentType)
	c.w.WriteHeader(status)
	_, _ = c.w.Write([]byte(body))
}

// reset takes the connection from the server and closes it with an RST.
func (c *call) reset() {
	c.status = 0
	hj, ok := c.w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// knownError is Discord's error for a JSON error code, with its usual status.
func knownError(code int) *APIError {
	switch code {
	case 10003:
		return apiErr(404, code, "Unknown Channel")
	case 10008:
		return apiErr(404, code, "Unknown Message")
	case 10015:
		return apiErr(404, code, "Unknown Webhook")
	case 10062:
		return apiErr(404, code, "Unknown interaction")
	case 30046:
		return errOldMessageEdits()
	case 40060:
		return apiErr(400, code, "Interaction has already been acknowledged.")
	case 50001:
		return apiErr(403, code, "Missing Access")
	case 50013:
		return apiErr(403, code, "Missing Permissions")
	case 50027:
		return apiErr(401, code, "Invalid Webhook Token")
	}
	return apiErr(400, code, "Error "+strconv.Itoa(code))
}

// errOldMessageEdits is Discord's answer once the edits of hour-old messages run out.
func errOldMessageEdits() *APIError {
	return apiErr(http.StatusTooManyRequests, 30046,
		"Maximum number of edits to messages older than 1 hour reached. Try again later.")
}
