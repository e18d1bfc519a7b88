package discordtest

import "encoding/json"

// resume answers op 6: it replays the dispatches after the client's sequence number
// and sends RESUMED. An unknown session, a wrong token or a gap the replay buffer no
// longer covers gets op 9 false; a sequence number from the future closes with 4007.
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
		return e.write(c, "", opInvalidSession(false)) == nil
	}
	if f := e.fire(OnResume, kindIs(FaultRefuseResume, FaultDrop, FaultClose, FaultInvalidSession)); f != nil {
		if f.Kind != FaultRefuseResume {
			return e.connFault(c, f)
		}
		e.forgetSession(s)
		return e.write(c, "", opInvalidSession(false)) == nil
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case rs.Seq > s.seq:
		e.closeWith(c, closeInvalidSeq, "Invalid seq.")
		return false
	case len(s.replay) >= maxReplay && s.replay[0].seq > rs.Seq+1:
		e.forgetSession(s)
		return e.write(c, "", opInvalidSession(false)) == nil
	}
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

func opInvalidSession(resumable bool) []byte {
	if resumable {
		return []byte(`{"op":9,"d":true}`)
	}
	return []byte(`{"op":9,"d":false}`)
}

// forgetSession makes a session impossible to resume.
func (e *Emulator) forgetSession(s *session) {
	e.mu.Lock()
	delete(e.sessions, s.id)
	e.notifyLocked()
	e.mu.Unlock()
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
