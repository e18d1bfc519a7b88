package discordtest

import (
	"encoding/json"
	"time"
)

// heartbeat answers op 1 with an ACK, unless a fault says otherwise, and moves the
// connection's heartbeat deadline.
func (e *Emulator) heartbeat(c *gwConn) bool {
	e.beatArrived(c)
	f := e.fire(OnHeartbeat, kindIs(FaultNoHeartbeatAck, FaultDrop, FaultClose, FaultReconnect,
		FaultInvalidSession))
	switch {
	case f == nil:
		return e.write(c, c.sessionID(), []byte(`{"op":11}`)) == nil
	case f.Kind == FaultNoHeartbeatAck:
		return true
	}
	return e.connFault(c, f)
}

// beatArrived sets the next heartbeat deadline: an interval plus the grace from now.
func (e *Emulator) beatArrived(c *gwConn) {
	if e.opts.HeartbeatGrace < 0 {
		return
	}
	c.smu.Lock()
	c.beatDue = e.now().Add(e.opts.HeartbeatInterval + e.opts.HeartbeatGrace)
	c.smu.Unlock()
}

// heartbeatTick is how often a connection's deadline is looked at.
func (e *Emulator) heartbeatTick() time.Duration {
	return min(max(e.opts.HeartbeatInterval/4, 5*time.Millisecond), 250*time.Millisecond)
}

// watchHeartbeats closes the connection with 4009 once a heartbeat is overdue.
func (e *Emulator) watchHeartbeats(c *gwConn) {
	if e.opts.HeartbeatGrace < 0 {
		return
	}
	t := time.NewTicker(e.heartbeatTick())
	defer t.Stop()
	for {
		select {
		case <-c.done:
			return
		case <-t.C:
			if e.expire(c) {
				return
			}
		}
	}
}

// ExpireHeartbeats closes, with 4009 "Session timed out", every connection whose
// heartbeat is overdue by the emulator clock, and returns how many it closed. The
// emulator checks on its own every quarter interval (at most every 250 ms); a test
// that moves an injected clock calls this to have the check happen at once.
func (e *Emulator) ExpireHeartbeats() int {
	n := 0
	for _, c := range e.connList() {
		if e.expire(c) {
			n++
		}
	}
	return n
}

func (e *Emulator) expire(c *gwConn) bool {
	now := e.now()
	c.smu.Lock()
	late := !c.beatDue.IsZero() && now.After(c.beatDue) && !c.timedOut
	if late {
		c.timedOut = true
	}
	c.smu.Unlock()
	if !late {
		return false
	}
	e.log.Debug("bot heartbeat overdue", "session", c.sessionID())
	e.closeWith(c, closeSessionTimedOut, "Session timed out.")
	_ = c.ws.Close()
	return true
}

// withinSendLimit counts a frame from the bot against the connection's send limit
// and reports whether the limit still holds. A heartbeat at least half an interval
// after the last uncounted one is free.
func (e *Emulator) withinSendLimit(c *gwConn, raw []byte) bool {
	rl := e.opts.GatewaySendLimit
	if rl.Limit < 0 || rl.Window <= 0 {
		return true
	}
	var head struct {
		Op int `json:"op"`
	}
	_ = json.Unmarshal(raw, &head)
	now := e.now()
	c.smu.Lock()
	defer c.smu.Unlock()
	if head.Op == 1 && (c.lastBeat.IsZero() || now.Sub(c.lastBeat) >= e.opts.HeartbeatInterval/2) {
		c.lastBeat = now
		return true
	}
	if c.sendStart.IsZero() || now.Sub(c.sendStart) >= rl.Window {
		c.sendStart, c.sendCount = now, 0
	}
	c.sendCount++
	return c.sendCount <= rl.Limit
}

// connList returns the open gateway connections.
func (e *Emulator) connList() []*gwConn {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]*gwConn, 0, len(e.conns))
	for c := range e.conns {
		out = append(out, c)
	}
	return out
}
