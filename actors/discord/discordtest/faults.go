package discordtest

import (
	"net/http"
	"strconv"
	"time"
)

// Faults make the emulator misbehave the ways Discord does, for recovery tests.
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

// SetFaults replaces the active faults; the zero Faults turns them all off.
func (e *Emulator) SetFaults(f Faults) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.faults = f
}

func (e *Emulator) currentFaults() Faults {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.faults
}

// restFault applies the REST faults to a bot-token request and reports whether it
// answered the request itself.
func (e *Emulator) restFault(c *call) bool {
	f := e.currentFaults()
	if f.RESTDelay > 0 {
		t := time.NewTimer(f.RESTDelay)
		select {
		case <-t.C:
		case <-c.r.Context().Done():
			t.Stop()
		}
	}
	if f.RESTStatus == 0 {
		return false
	}
	text := strconv.Itoa(f.RESTStatus) + ": " + http.StatusText(f.RESTStatus)
	c.fail(apiErr(f.RESTStatus, 0, text))
	return true
}

// Reconnect sends op 7 RECONNECT on every gateway connection, as Discord does before
// moving a session.
func (e *Emulator) Reconnect() {
	e.broadcastOp([]byte(`{"op":7,"d":null}`))
}

// InvalidateSessions sends op 9 INVALID_SESSION (not resumable) on every connection
// and forgets the sessions, so the bot must identify again.
func (e *Emulator) InvalidateSessions() {
	e.mu.Lock()
	e.sessions = map[string]*session{}
	var dropped []*session
	for c := range e.conns {
		if s := c.sess.Swap(nil); s != nil {
			dropped = append(dropped, s)
		}
	}
	e.notifyLocked()
	e.mu.Unlock()
	for _, s := range dropped { // s.mu is never taken under e.mu
		s.mu.Lock()
		s.conn = nil
		s.mu.Unlock()
	}
	e.broadcastOp([]byte(`{"op":9,"d":false}`))
}

func (e *Emulator) broadcastOp(raw []byte) {
	e.mu.Lock()
	conns := make([]*gwConn, 0, len(e.conns))
	for c := range e.conns {
		conns = append(conns, c)
	}
	e.mu.Unlock()
	for _, c := range conns {
		_ = e.write(c, c.sessionID(), raw)
	}
}
