package discordtest

import (
	"encoding/json"
	"net/http"
	"strconv"
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
	c := &gwConn{ws: ws}
	e.mu.Lock()
	e.conns[c] = struct{}{}
	e.mu.Unlock()
	defer e.detach(c)

	hello, _ := json.Marshal(map[string]any{
		"op": 10, "d": map[string]any{"heartbeat_interval": e.opts.HeartbeatInterval.Milliseconds()},
	})
	if !e.currentFaults().NoHello && e.write(c, "", hello) != nil {
		return
	}
	for {
		_, raw, err := ws.ReadMessage()
		if err != nil {
			return
		}
		e.recordFrame("in", c.sessionID(), raw)
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
	case f.Op == 1: // heartbeat: always answered
		return e.write(c, c.sessionID(), []byte(`{"op":11}`)) == nil
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
	switch f := e.currentFaults(); {
	case f.CloseCode != 0:
		e.closeWith(c, f.CloseCode, "Closed by an injected fault.")
		return false
	case f.NoReady:
		return true
	}
	s := &session{id: randomToken(16), intents: id.Intents, created: time.Now()}
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
	e.log.Debug("bot identified", "session", s.id, "intents", id.Intents)

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
	if id.Intents&intentGuilds != 0 {
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

func (e *Emulator) resume(c *gwConn, d json.RawMessage) bool {
	var rs struct {
		Token     string `json:"token"`
		SessionID string `json:"session_id"`
		Seq       int64  `json:"seq"`
	}
	_ = json.Unmarshal(d, &rs)
	e.mu.Lock()
	s := e.sessions[rs.SessionID]
	e.mu.Unlock()
	if s == nil || !e.tokenMatches(rs.Token) {
		return e.write(c, "", []byte(`{"op":9,"d":false}`)) == nil
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if old := s.conn; old != nil && old != c {
		_ = old.ws.Close()
	}
	c.sess.Store(s)
	s.conn = c
	for _, ev := range s.replay {
		if ev.seq > rs.Seq && e.write(c, s.id, ev.raw) != nil {
			return false
		}
	}
	e.mu.Lock()
	e.notifyLocked()
	e.mu.Unlock()
	e.log.Debug("bot resumed", "session", s.id, "from_seq", rs.Seq)
	return e.sendLocked(s, "RESUMED", map[string]any{"_trace": []string{"discarr-emulator"}}) == nil
}

// maxSessions bounds the resumable sessions kept; the oldest without a connection
// are forgotten first, as Discord expires them.
const maxSessions = 16

func (e *Emulator) pruneSessionsLocked() {
	live := map[*session]bool{}
	for c := range e.conns {
		if s := c.sess.Load(); s != nil {
			live[s] = true
		}
	}
	for len(e.sessions) > maxSessions {
		var oldest *session
		for _, s := range e.sessions {
			if !live[s] && (oldest == nil || s.created.Before(oldest.created)) {
				oldest = s
			}
		}
		if oldest == nil {
			return
		}
		delete(e.sessions, oldest.id)
	}
}

// sendLocked numbers, keeps and writes one dispatch; s.mu must be held. A session
// without a connection keeps the dispatch for RESUME.
func (e *Emulator) sendLocked(s *session, event string, d any) error {
	s.seq++
	data, err := json.Marshal(d)
	if err != nil {
		return err
	}
	raw, _ := json.Marshal(gatewayFrame{Op: 0, D: data, S: &s.seq, T: event})
	if event != "RESUMED" && event != "READY" {
		s.replay = append(s.replay, sentEvent{seq: s.seq, raw: raw})
		if len(s.replay) > maxReplay {
			s.replay = s.replay[len(s.replay)-maxReplay:]
		}
	}
	if s.conn == nil {
		return nil
	}
	return e.write(s.conn, s.id, raw)
}

// write sends one frame and records it.
func (e *Emulator) write(c *gwConn, sessionID string, raw []byte) error {
	c.wmu.Lock()
	_ = c.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
	err := c.ws.WriteMessage(websocket.TextMessage, raw)
	c.wmu.Unlock()
	if err != nil {
		return err
	}
	e.recordFrame("out", sessionID, raw)
	return nil
}

func (e *Emulator) closeWith(c *gwConn, code int, text string) {
	msg := websocket.FormatCloseMessage(code, text)
	c.wmu.Lock()
	_ = c.ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(time.Second))
	c.wmu.Unlock()
	f := Frame{At: e.now(), Direction: "out", SessionID: c.sessionID(), Op: -1, CloseCode: code,
		Raw: strconv.Itoa(code) + " " + text}
	e.mu.Lock()
	e.frames = trimmed(append(e.frames, f), e.opts.MaxRecords)
	e.mu.Unlock()
}

// detach forgets a finished connection; its session stays resumable.
func (e *Emulator) detach(c *gwConn) {
	_ = c.ws.Close()
	if s := c.sess.Load(); s != nil {
		s.mu.Lock()
		if s.conn == c {
			s.conn = nil
		}
		s.mu.Unlock()
	}
	e.mu.Lock()
	delete(e.conns, c)
	e.notifyLocked()
	e.mu.Unlock()
}
