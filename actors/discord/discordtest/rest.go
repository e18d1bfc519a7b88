package discordtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// APIError is a Discord JSON error response.
type APIError struct {
	Status  int    `json:"-"`
	Code    int    `json:"code"`
	Message string `json:"message"`
	Errors  any    `json:"errors,omitempty"`
	// RetryAfter is set, in seconds, on errors answered with 429.
	RetryAfter *float64 `json:"retry_after,omitempty"`
}

// Error describes the response.
func (a *APIError) Error() string {
	return fmt.Sprintf("discord %d: %s (code %d)", a.Status, a.Message, a.Code)
}

func apiErr(status, code int, msg string) *APIError {
	return &APIError{Status: status, Code: code, Message: msg}
}

// Discord's errors, with their real codes and messages.
var (
	errUnauthorized       = apiErr(401, 0, "401: Unauthorized")
	errNotFound           = apiErr(404, 0, "404: Not Found")
	errUnknownChannel     = apiErr(404, 10003, "Unknown Channel")
	errUnknownGuild       = apiErr(404, 10004, "Unknown Guild")
	errUnknownMember      = apiErr(404, 10007, "Unknown Member")
	errUnknownMessageAPI  = apiErr(404, 10008, "Unknown Message")
	errUnknownApplication = apiErr(404, 10002, "Unknown Application")
	errUnknownWebhook     = apiErr(404, 10015, "Unknown Webhook")
	errUnknownInteraction = apiErr(404, 10062, "Unknown interaction")
	errEmptyMessage       = apiErr(400, 50006, "Cannot send an empty message")
	errInvalidJSON        = apiErr(400, 50109, "The request body contains invalid JSON.")
	errInvalidToken       = apiErr(401, 50027, "Invalid Webhook Token")
	errAlreadyAcked       = apiErr(400, 40060, "Interaction has already been acknowledged.")
)

// call is one REST request being answered.
type call struct {
	w      http.ResponseWriter
	r      *http.Request
	at     time.Time // when the request reached the handler
	route  string    // the Route* key of the route
	body   []byte
	status int
	code   int
}

func (c *call) param(name string) string { return c.r.PathValue(name) }

// reply writes a JSON body.
func (c *call) reply(status int, v any) {
	c.status = status
	c.w.Header().Set("Content-Type", "application/json")
	c.w.WriteHeader(status)
	_ = json.NewEncoder(c.w).Encode(v)
}

func (c *call) noContent() {
	c.status = http.StatusNoContent
	c.w.WriteHeader(http.StatusNoContent)
}

func (c *call) fail(a *APIError) {
	c.code = a.Code
	c.reply(a.Status, a)
}

// rest wraps a handler with body reading, optional bot-token auth, faults, the global
// rate limit and recording.
func (e *Emulator) rest(auth bool, route string, h func(*call)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c := &call{w: w, r: r, at: e.now(), route: route}
		c.body, _ = io.ReadAll(io.LimitReader(r.Body, 8<<20))
		defer func() {
			e.recordRequest(Request{At: c.at, Method: r.Method, Path: r.URL.Path,
				Query: r.URL.RawQuery, Status: c.status, Code: c.code, Body: string(c.body)})
			e.validateRequest(c)
		}()
		if auth && r.Header.Get("Authorization") != "Bot "+e.opts.Token {
			e.violate(ViolationUnauthorized, r.Method, r.URL.Path, "missing or wrong bot token")
			c.fail(errUnauthorized)
			return
		}
		if e.restFault(c, auth) || (auth && !e.takeGlobal(c)) {
			return
		}
		h(c)
	}
}

func (e *Emulator) unknownRoute(c *call) {
	e.violate(ViolationUnknownRoute, c.r.Method, c.r.URL.Path, "Discord serves no such route")
	c.fail(errNotFound)
}

// routes builds the one mux serving everything.
func (e *Emulator) routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /gateway", e.serveGateway)
	mux.HandleFunc("GET /gateway/{$}", e.serveGateway) // discordgo adds a slash
	e.controlRoutes(mux)
	for _, v := range []string{"/api/v9", "/api/v10"} {
		e.apiRoutes(mux, v)
	}
	mux.HandleFunc("/api/", e.rest(false, RouteOther, e.unknownRoute))
	return mux
}

func (e *Emulator) apiRoutes(mux *http.ServeMux, p string) {
	handle := func(auth bool, pattern, route string, h func(*call)) {
		method, path, _ := strings.Cut(pattern, " ")
		mux.HandleFunc(method+" "+p+path, e.rest(auth, route, h))
	}
	bot := func(pattern, route string, h func(*call)) { handle(true, pattern, route, h) }
	open := func(pattern, route string, h func(*call)) { handle(false, pattern, route, h) }
	open("GET /gateway", RouteGateway, e.getGateway)
	bot("GET /gateway/bot", RouteGateway, e.getGatewayBot)
	bot("GET /users/@me", RouteOther, func(c *call) { c.reply(200, e.readyUser()) })
	bot("GET /applications/@me", RouteOther, func(c *call) { c.reply(200, e.applicationObject()) })
	bot("PUT /applications/{app}/commands", RouteCommands, e.putCommands)
	bot("GET /applications/{app}/commands", RouteCommands, e.getCommands)
	bot("PUT /applications/{app}/guilds/{guild}/commands", RouteCommands, e.putCommands)
	bot("GET /applications/{app}/guilds/{guild}/commands", RouteCommands, e.getCommands)
	bot("GET /guilds/{guild}", RouteOther, e.getGuild)
	bot("GET /guilds/{guild}/roles", RouteOther, e.getRoles)
	bot("GET /guilds/{guild}/channels", RouteOther, e.getGuildChannels)
	bot("GET /guilds/{guild}/members/{user}", RouteOther, e.getMember)
	bot("GET /channels/{channel}", RouteOther, e.getChannel)
	bot("POST /channels/{channel}/messages", RouteMessageCreate, e.createMessage)
	bot("GET /channels/{channel}/messages", RouteMessageList, e.listMessages)
	bot("GET /channels/{channel}/messages/{message}", RouteMessageGet, e.getMessage)
	bot("PATCH /channels/{channel}/messages/{message}", RouteMessageEdit, e.editMessage)
	bot("DELETE /channels/{channel}/messages/{message}", RouteMessageDelete, e.deleteMessage)
	open("POST /interactions/{id}/{token}/callback", RouteCallback, e.callback)
	open("POST /webhooks/{app}/{token}", RouteWebhook, e.followUp)
	open("GET /webhooks/{app}/{token}/messages/{message}", RouteWebhook, e.getWebhookMessage)
	open("PATCH /webhooks/{app}/{token}/messages/{message}", RouteWebhook, e.editWebhookMessage)
	open("DELETE /webhooks/{app}/{token}/messages/{message}", RouteWebhook, e.deleteWebhookMessage)
}

func (e *Emulator) getGateway(c *call) {
	c.reply(200, map[string]any{"url": gatewayURL(c.r)})
}

func (e *Emulator) getGatewayBot(c *call) {
	c.reply(200, map[string]any{
		"url": gatewayURL(c.r), "shards": 1,
		"session_start_limit": map[string]any{
			"total": 1000, "remaining": 999, "reset_after": 14400000, "max_concurrency": 1,
		},
	})
}

func (e *Emulator) getGuild(c *call) {
	if c.param("guild") != e.opts.GuildID {
		c.fail(errUnknownGuild)
		return
	}
	c.reply(200, e.guildObject())
}

func (e *Emulator) getRoles(c *call) {
	if c.param("guild") != e.opts.GuildID {
		c.fail(errUnknownGuild)
		return
	}
	c.reply(200, e.roleObjects())
}

func (e *Emulator) getGuildChannels(c *call) {
	if c.param("guild") != e.opts.GuildID {
		c.fail(errUnknownGuild)
		return
	}
	e.mu.Lock()
	chs := e.channelObjects()
	e.mu.Unlock()
	c.reply(200, chs)
}

func (e *Emulator) getMember(c *call) {
	if c.param("guild") != e.opts.GuildID {
		c.fail(errUnknownGuild)
		return
	}
	user := c.param("user")
	if user == e.opts.BotUserID || user == "@me" {
		m := e.memberObject(person{id: e.opts.BotUserID, roles: []string{DefaultBotRoleID}})
		c.reply(200, m)
		return
	}
	p, ok := e.person(user)
	if !ok {
		c.fail(errUnknownMember)
		return
	}
	c.reply(200, e.memberObject(p))
}

func (e *Emulator) getChannel(c *call) {
	if !e.knownChannel(c) {
		return
	}
	e.mu.Lock()
	ch := e.channelObject(c.param("channel"))
	e.mu.Unlock()
	c.reply(200, ch)
}
