package discordtest

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// Gateway intents the emulator acts on.
const (
	intentGuilds        = 1 << 0
	intentGuildMessages = 1 << 9
)

// Gateway close codes the emulator sends.
const (
	closeUnknownOpcode       = 4001
	closeDecodeError         = 4002
	closeNotAuthenticated    = 4003
	closeAuthFailed          = 4004
	closeAlreadyAuthenticate = 4005
	closeInvalidSeq          = 4007
	closeRateLimited         = 4008
	closeSessionTimedOut     = 4009
)

// maxReplay bounds the dispatches a session keeps for RESUME.
const maxReplay = 1000

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

// session is a gateway session: it outlives its connection so it can be resumed.
type session struct {
	id      string
	intents int
	created time.Time

	mu     sync.Mutex // orders sequence numbers and writes
	seq    int64
	replay []sentEvent
	conn   *gwConn
}

type sentEvent struct {
	seq int64
	raw []byte
}

// gwConn is one WebSocket connection.
type gwConn struct {
	ws   *websocket.Conn
	wmu  sync.Mutex              // serialises writes
	sess atomic.Pointer[session] // set after IDENTIFY or RESUME
	done chan struct{}           // closed when the connection is detached

	smu       sync.Mutex // guards the fields below
	beatDue   time.Time  // when the next heartbeat is due, by the emulator clock; zero: none
	lastBeat  time.Time  // the last heartbeat not counted against the send limit
	sendStart time.Time  // start of the current send-limit window
	sendCount int        // frames counted in that window
	timedOut  bool       // closed with 4009
}

type gatewayFrame struct {
	Op int             `json:"op"`
	D  json.RawMessage `json:"d"`
	S  *int64          `json:"s,omitempty"`
	T  string          `json:"t,omitempty"`
}

// gatewayURL is the WebSocket address of this server as seen by the client.
func gatewayURL(r *http.Request) string {
	return "ws://" + r.Host + "/gateway"
}

// serveGateway upgrades the request and runs the connection until it ends.
func (e *Emulator) serveGateway(w http.ResponseWriter, r *http.Request) {
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &gwConn{ws: ws, done: make(chan struct{})}
	e.mu.Lock()
	e.conns[c] = struct{}{}
	e.mu.Unlock()
	defer e.detach(c)

	f := e.fire(OnConnect, kindIs(FaultNoHello, FaultDrop, FaultClose))
	switch {
	case f == nil:
		hello, _ := json.Marshal(map[string]any{
			"op": 10, "d": map[string]any{"heartbeat_interval": e.opts.HeartbeatInterval.Milliseconds()},
		})
		if e.write(c, "", hello) != nil {
			return
		}
		e.beatArrived(c)
		go e.watchHeartbeats(c)
	case f.Kind != FaultNoHello:
		e.connFault(c, f)
		return
	}
	for {
		_, raw, err := ws.ReadMessage()
		if err != nil {
			return
		}
		e.recordFrame("in", c.sessionID(), raw)
		if !e.withinSendLimit(c, raw) {
			e.closeWith(c, closeRateLimited, "You are being rate limited.")
			return
		}
		if !e.handleFrame(c, r, raw) {
			return
		}
	}
}

func (c *gwConn) sessionID() string {
	if s := c.sess.Load(); s != nil {
		return s.id
	}
	return ""
}

// handleFrame answers one frame from the bot; false ends the connection.
func (e *Emulator) handleFrame(c *gwConn, r *http.Request, raw []byte) bool {
	var f gatewayFrame
	if err := json.Unmarshal(raw, &f); err != nil {
		e.closeWith(c, closeDecodeError, "Error while decoding payload.")
		return false
	}
	authed := c.sessionID() != ""
	switch {
	case f.Op == 1:
		return e.heartbeat(c)
	case f.Op == 2 && authed, f.Op == 6 && authed:
		e.closeWith(c, closeAlreadyAuthenticate, "Already authenticated.")
		return false
	case f.Op == 2:
		return e.identify(c, r, f.D)
	case f.Op == 6:
		return e.resume(c, f.D)
	case !authed:
		e.closeWith(c, closeNotAuthenticated, "Not authenticated.")
		return false
	case f.Op == 3, f.Op == 4, f.Op == 8: // presence, voice, members: accepted, ignored
		return true
	default:
		e.closeWith(c, closeUnknownOpcode, "Unknown opcode.")
		return false
	}
}

// tokenMatches accepts the token with or without the "Bot " prefix, as Discord does.
func (e *Emulator) tokenMatches(token string) bool {
	return strings.TrimPrefix(token, "Bot ") == e.opts.Token
}

func (e *Emulator) identify(c *gwConn, r *http.Request, d json.RawMessage) bool {
	var id struct {
		Token   string `json:"token"`
		Intents int    `json:"intents"`
	}
	if json.Unmarshal(d, &id) != nil || !e.tokenMatches(id.Token) {
		e.closeWith(c, closeAuthFailed, "Authentication failed.")
		return false
	}
	if f := e.fire(OnIdentify, kindIs(FaultNoReady, FaultDrop, FaultClose, FaultReconnect,
		FaultInvalidSession)); f != nil {
		return f.Kind == FaultNoReady || e.connFault(c, f)
	}
	if !e.ready(c, r, id.Intents) {
		return false
	}
	if f := e.fire(OnReady, kindIs(FaultDrop, FaultClose, FaultReconnect, FaultInvalidSession)); f != nil {
		return e.connFault(c, f)
	}
	return true
}

// ready starts a session on c and sends READY, and GUILD_CREATE when the intents ask.
func (e *Emulator) ready(c *gwConn, r *http.Request, intents int) bool {
	s := &session{id: randomToken(16), intents: intents, created: time.Now()}
	s.mu.Lock()
	defer s.mu.Unlock()
	c.sess.Store(s)
	s.conn = c

	e.mu.Lock()
	e.sessions[s.id] = s
	e.pruneSessionsLocked()
	guild := e.guildCreate()
	e.notifyLocked()
	e.mu.Unlock()
	e.log.Debug("bot identified", "session", s.id, "intents", intents)

	ready := map[string]any{
		"v": 9, "user": e.readyUser(), "session_id": s.id, "session_type": "normal",
		"resume_gateway_url": gatewayURL(r), "guilds": []map[string]any{
			{"id": e.opts.GuildID, "unavailable": true},
		},
		"application":      map[string]any{"id": e.opts.ApplicationID, "flags": 0},
		"private_channels": []any{}, "relationships": []any{}, "presences": []any{},
		"shard": []int{0, 1}, "_trace": []string{"discarr-emulator"},
	}
	if e.sendLocked(s, "READY", ready) != nil {
		return false
	}
	if intents&intentGuilds != 0 {
		return e.sendLocked(s, "GUILD_CREATE", guild) == nil
	}
	return true
}

func (e *Emulator) readyUser() map[string]any {
	u := e.botUser()
	u["verified"] = true
	u["mfa_enabled"] = false
	u["flags"] = 0
	return u
}
