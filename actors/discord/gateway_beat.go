package discord

import (
	"time"

	"github.com/asynkron/protoactor-go/actor"
)

// beatCheckEvery is how often the gateway actor looks at the heartbeat ACKs.
const beatCheckEvery = time.Second

// checkBeat is the gateway actor's own tick for checkBeat.
type checkBeat struct{}

// beatGrace is how late an ACK may be, past one heartbeat interval, before the
// connection counts as a zombie: a quarter interval, and at least 3 s.
func beatGrace(every time.Duration) time.Duration {
	return max(every/4, 3*time.Second)
}

func (g *Gateway) scheduleBeat(c actor.Context) {
	self, system := c.Self(), c.ActorSystem()
	g.beat = time.AfterFunc(beatCheckEvery, func() { system.Root.Send(self, checkBeat{}) })
}

// checkBeat drops a live connection whose heartbeats Discord stopped acknowledging,
// so that the session resumes on a new one. Discord asks for that as soon as an ACK
// is missing when the next heartbeat is due; discordgo waits five intervals (over
// three minutes at Discord's usual 41.25 s), while interactions go unanswered.
func (g *Gateway) checkBeat(c actor.Context) {
	if g.stopped {
		return
	}
	g.scheduleBeat(c)
	s, w := g.session, g.conn
	if !g.up || s == nil || w == nil {
		return
	}
	every := w.heartbeat()
	// Open holds the Session's lock while it runs; nothing to check then.
	if every <= 0 || !s.TryRLock() {
		return
	}
	last := s.LastHeartbeatAck
	s.RUnlock()
	if quiet := time.Since(last); quiet > every+beatGrace(every) {
		g.cfg.Log.Warn("discord stopped acknowledging heartbeats; reconnecting",
			"quiet", quiet.Round(time.Second).String(), "heartbeat_interval", every.String())
		g.setUp(c, false)
		w.close()
	}
}
