package discordtest

import (
	"encoding/json"
	"strconv"
)

// Close-frame texts Discord sends with its codes.
var closeTexts = map[int]string{
	1000: "Normal closure.", 1001: "Going away.", 4000: "Unknown error.",
	4004: "Authentication failed.", 4007: "Invalid seq.", 4008: "Rate limited.",
	4009: "Session timed out.", 4014: "Disallowed intent(s).",
}

func closeText(code int) string {
	if t, ok := closeTexts[code]; ok {
		return t
	}
	return "Closed by an injected fault."
}

// connFault applies a connection-level fault to c and reports whether the connection
// goes on. It must not be called with the connection's session lock held.
func (e *Emulator) connFault(c *gwConn, f *Fault) bool {
	switch f.Kind {
	case FaultDrop, FaultClose:
		e.cut(c, f)
		return false
	case FaultReconnect:
		return e.write(c, c.sessionID(), []byte(`{"op":7,"d":null}`)) == nil
	case FaultInvalidSession:
		e.invalidate(c, f.Resumable)
		return e.write(c, "", opInvalidSession(f.Resumable)) == nil
	}
	return true
}

// cut ends a connection for FaultDrop (no close frame) or FaultClose.
func (e *Emulator) cut(c *gwConn, f *Fault) {
	if s := c.sess.Load(); s != nil && f.Forget {
		e.forgetSession(s)
	}
	if f.Kind == FaultClose {
		e.closeWith(c, f.Code, closeText(f.Code))
		_ = c.ws.Close()
		return
	}
	_ = c.ws.UnderlyingConn().Close()
}

// invalidate unbinds c from its session, so it may IDENTIFY again; a session that is
// not resumable is forgotten.
func (e *Emulator) invalidate(c *gwConn, resumable bool) {
	s := c.sess.Swap(nil)
	if s == nil {
		return
	}
	s.mu.Lock()
	if s.conn == c {
		s.conn = nil
	}
	s.mu.Unlock()
	if !resumable {
		e.forgetSession(s)
	}
	e.mu.Lock()
	e.notifyLocked()
	e.mu.Unlock()
}

// dispatchMatch is the fire filter for a dispatch of event.
func dispatchMatch(event string) func(*Fault) bool {
	isKind := kindIs(FaultDuplicateDispatch, FaultReplayDispatch, FaultMalformedInteraction,
		FaultDrop, FaultClose, FaultReconnect)
	return func(f *Fault) bool {
		if !isKind(f) {
			return false
		}
		if f.Event != "" {
			return f.Event == event
		}
		return event != "READY" && event != "RESUMED"
	}
}

// dispatchFault acts before a dispatch goes out and reports whether it still may;
// s.mu is held, so only faults that leave the session alone are applied here.
func (e *Emulator) dispatchFault(s *session, f *Fault, prev *sentEvent) bool {
	c := s.conn
	switch f.Kind {
	case FaultReplayDispatch:
		if prev != nil {
			_ = e.write(c, s.id, prev.raw)
		}
	case FaultReconnect:
		_ = e.write(c, s.id, []byte(`{"op":7,"d":null}`))
	case FaultDrop, FaultClose:
		if f.Forget {
			e.forgetSession(s)
		}
		g := *f
		g.Forget = false
		e.cut(c, &g)
		return false
	}
	return true
}

// mangle spoils a dispatch's d for FaultMalformedInteraction.
func mangle(d any, f *Fault) any {
	raw, err := json.Marshal(d)
	if err != nil {
		return d
	}
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil {
		return d
	}
	if f.Mutate != nil {
		f.Mutate(m)
		return m
	}
	if data, ok := m["data"].(map[string]any); ok {
		if _, ok := data["component_type"]; ok {
			data["component_type"] = 99
		}
	}
	if p, ok := m["app_permissions"].(string); ok {
		if n, err := strconv.ParseInt(p, 10, 64); err == nil {
			m["app_permissions"] = n
		}
	}
	return m
}

// Reconnect sends op 7 RECONNECT on every gateway connection, as Discord does before
// moving a session.
func (e *Emulator) Reconnect() {
	e.broadcastOp([]byte(`{"op":7,"d":null}`))
}

// InvalidateSessions sends op 9 INVALID_SESSION (not resumable) on every connection
// and forgets every session, so the bot must identify again.
func (e *Emulator) InvalidateSessions() { e.InvalidSession(false) }

// InvalidSession sends op 9 with d = resumable on every connection and unbinds the
// connections from their sessions, so each may IDENTIFY (or, when resumable, RESUME)
// again. Without resumable every session is forgotten, connected or not.
func (e *Emulator) InvalidSession(resumable bool) {
	for _, c := range e.connList() {
		e.invalidate(c, resumable)
	}
	if !resumable {
		e.mu.Lock()
		e.sessions = map[string]*session{}
		e.notifyLocked()
		e.mu.Unlock()
	}
	e.broadcastOp(opInvalidSession(resumable))
}

// CloseSessions closes every gateway connection with a close frame carrying code
// (1000, 1001, 4000, 4009, ...). The sessions stay resumable.
func (e *Emulator) CloseSessions(code int) {
	for _, c := range e.connList() {
		e.cut(c, &Fault{Kind: FaultClose, Code: code})
	}
}

func (e *Emulator) broadcastOp(raw []byte) {
	for _, c := range e.connList() {
		_ = e.write(c, c.sessionID(), raw)
	}
}
