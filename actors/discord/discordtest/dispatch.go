package discordtest

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/gorilla/websocket"
)

// sendLocked numbers, keeps and writes one dispatch, applying the OnDispatch faults;
// s.mu must be held. A session without a connection keeps the dispatch for RESUME.
func (e *Emulator) sendLocked(s *session, event string, d any) error {
	var f *Fault
	if s.conn != nil {
		f = e.fire(OnDispatch, dispatchMatch(event))
	}
	if f != nil && f.Kind == FaultMalformedInteraction {
		d = mangle(d, f)
	}
	s.seq++
	data, err := json.Marshal(d)
	if err != nil {
		return err
	}
	raw, _ := json.Marshal(gatewayFrame{Op: 0, D: data, S: &s.seq, T: event})
	var prev *sentEvent
	if n := len(s.replay); n > 0 {
		p := s.replay[n-1]
		prev = &p
	}
	if event != "RESUMED" && event != "READY" {
		s.replay = append(s.replay, sentEvent{seq: s.seq, raw: raw})
		if len(s.replay) > maxReplay {
			s.replay = s.replay[len(s.replay)-maxReplay:]
		}
	}
	if s.conn == nil {
		return nil
	}
	if f != nil && !e.dispatchFault(s, f, prev) {
		return nil // the connection is gone; the dispatch waits in the replay buffer
	}
	if err := e.write(s.conn, s.id, raw); err != nil {
		return err
	}
	if f != nil && f.Kind == FaultDuplicateDispatch {
		return e.write(s.conn, s.id, raw)
	}
	return nil
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
	close(c.done)
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
