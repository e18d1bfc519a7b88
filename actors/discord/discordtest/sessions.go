package discordtest

import (
	"errors"
	"time"
)

// ErrNotConnected is returned while no bot session is connected and identified.
var ErrNotConnected = errors.New("no bot session is connected")

// Connected reports whether a bot connection has identified or resumed.
func (e *Emulator) Connected() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.connectedLocked()
}

func (e *Emulator) connectedLocked() bool {
	for c := range e.conns {
		if c.sess.Load() != nil {
			return true
		}
	}
	return false
}

// WaitConnected waits up to timeout for an identified bot connection.
func (e *Emulator) WaitConnected(timeout time.Duration) bool {
	return e.waitFor(timeout, e.connectedLocked)
}

// DropSessions closes every gateway connection at the TCP level, without a close frame,
// as a network failure would. The sessions stay resumable.
func (e *Emulator) DropSessions() {
	e.mu.Lock()
	conns := make([]*gwConn, 0, len(e.conns))
	for c := range e.conns {
		conns = append(conns, c)
	}
	e.mu.Unlock()
	for _, c := range conns {
		_ = c.ws.UnderlyingConn().Close()
	}
}

// liveSessions returns the sessions that have a connection, newest identify last.
func (e *Emulator) liveSessions() []*session {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []*session
	for c := range e.conns {
		if s := c.sess.Load(); s != nil {
			out = append(out, s)
		}
	}
	return out
}

// dispatchAll sends an event to every session, connected or resumable, whose intents
// include intent.
func (e *Emulator) dispatchAll(event string, intent int, d any) {
	e.mu.Lock()
	all := make([]*session, 0, len(e.sessions))
	for _, s := range e.sessions {
		if s.intents&intent != 0 {
			all = append(all, s)
		}
	}
	e.mu.Unlock()
	for _, s := range all {
		s.mu.Lock()
		if err := e.sendLocked(s, event, d); err != nil {
			e.log.Debug("dispatch to bot", "event", event, "err", err)
		}
		s.mu.Unlock()
	}
}

// dispatchOne sends an event to a single connected session, as Discord hands each
// interaction to one session of the bot.
func (e *Emulator) dispatchOne(event string, d any) error {
	live := e.liveSessions()
	if len(live) == 0 {
		return ErrNotConnected
	}
	s := live[0]
	for _, o := range live[1:] {
		if o.created.After(s.created) {
			s = o
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return e.sendLocked(s, event, d)
}
