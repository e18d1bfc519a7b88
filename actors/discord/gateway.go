package discord

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"

	"github.com/discarr/discarr/actors/metrics"
	"github.com/discarr/discarr/messages"
)

// GatewayConfig configures the gateway actor.
type GatewayConfig struct {
	Token   string
	APIURL  *url.URL
	GuildID string
	// AppID is the application's ID; when empty it is learned from READY.
	AppID        string
	Interactions *actor.PID
	REST         *REST
	// OpenTimeout bounds one connection attempt, HELLO and READY included.
	OpenTimeout time.Duration
	// OnFatal is called when Discord refuses the token: retrying cannot help.
	OnFatal func(error)
	Ctx     context.Context
	Log     *slog.Logger
}

// Connected is published on the event stream when the gateway session becomes
// live: at READY, and at RESUMED after a lost connection.
type Connected struct {
	AppID, BotID, BotName string
}

// Disconnected is published on the event stream when a live gateway session lost
// its connection; Connected follows once it is back.
type Disconnected struct{}

// Gateway is the gateway actor: it owns the discordgo Session and forwards every
// interaction to the interactions actor. A connection attempt that does not reach
// READY (or RESUMED) in time is thrown away with its socket, and a new one built
// with backoff: discordgo's Open may return before READY (after op 9) or wait on a
// server that says nothing. The connection is watched (see connWatch) for what
// discordgo does not report: the close code, and op 7 while Open runs, which would
// deadlock it.
type Gateway struct {
	cfg      GatewayConfig
	session  *discordgo.Session
	attempt  int
	attempts uint64 // sessions built
	opens    uint64 // Open calls, resumes included
	waiting  bool   // the current open has not seen READY or RESUMED yet
	conn     *connWatch
	timer    *time.Timer
	beat     *time.Timer // the next heartbeat check
	deadline *time.Timer
	ready    bool // READY was seen once
	up       bool // the session is live now
	botName  string
	commands bool
	stopped  bool
}

type connect struct{}

// opened is the outcome of one Open call.
type opened struct {
	open uint64
	err  error
}

// openDeadline ends the time one Open call has to reach READY or RESUMED.
type openDeadline struct{ open uint64 }

type resumedEvent struct{ attempt uint64 }

type readyEvent struct {
	attempt uint64
	appID   string
	user    *discordgo.User
}

type commandsDone struct{ err error }

type disconnected struct{ attempt uint64 }

// reopenNow ends the pause before opening the same session again.
type reopenNow struct{ attempt uint64 }

// NewGateway returns the producer of the gateway actor.
func NewGateway(cfg GatewayConfig) actor.Producer {
	if cfg.OpenTimeout == 0 {
		cfg.OpenTimeout = 30 * time.Second
	}
	routeLibraryLogs(cfg.Log)
	return func() actor.Actor { return &Gateway{cfg: cfg} }
}

// Receive handles the gateway's messages.
func (g *Gateway) Receive(c actor.Context) {
	switch m := c.Message().(type) {
	case *actor.Started:
		// Connect as soon as we run.
		g.connect(c)
		g.scheduleBeat(c)
	case checkBeat:
		// Time to see whether Discord still acknowledges our heartbeats.
		g.checkBeat(c)
	case connect:
		// A backoff ended: try again.
		g.connect(c)
	case opened:
		// A connection attempt ended.
		g.opened(c, m)
	case openDeadline:
		// An open took too long to reach READY: throw it away.
		g.expired(c, m)
	case readyEvent:
		// Discord said READY: register commands once.
		g.onReady(c, m)
	case resumedEvent:
		// Discord resumed the session.
		g.onResumed(c, m)
	case commandsDone:
		// The command registration ended.
		g.commandsDone(m)
	case disconnected:
		// The socket closed under an open session: open it again (a RESUME).
		g.reopen(c, m)
	case reopenNow:
		// Discord asked for a reconnect while we connected, and we waited a bit.
		if m.attempt == g.attempts && g.session != nil && !g.stopped {
			g.open(c, g.session)
		}
	case messages.Ping:
		// The watchdog checks that we answer.
		c.Respond(messages.Pong{})
	case *actor.Stopping, *actor.Restarting:
		g.stopped = true
		if g.beat != nil {
			g.beat.Stop()
		}
		g.setUp(c, false)
		g.close()
	}
}

func (g *Gateway) connect(c actor.Context) {
	g.close()
	g.attempts++
	attempt := g.attempts
	s, holder := g.newSession(c, attempt)
	g.session, g.conn = s, holder
	g.open(c, s)
}

// reopen opens the current Session again after its socket closed; discordgo then
// resumes the session where Discord allows it.
func (g *Gateway) reopen(c actor.Context, m disconnected) {
	if m.attempt != g.attempts || g.session == nil || g.stopped {
		return
	}
	code := g.conn.closeCode()
	g.setUp(c, false)
	metrics.CountGatewayReconnect(code)
	if g.waiting || fatalClose(code) {
		// Closed before READY or RESUMED (resuming again at once would spin), or
		// for good.
		err := errors.New("gateway closed the connection before READY")
		if code != 0 {
			err = &websocket.CloseError{Code: code}
		}
		g.failed(c, err)
		return
	}
	if code != 0 {
		g.cfg.Log.Warn("gateway connection lost; reconnecting", "close_code", code)
	} else {
		g.cfg.Log.Warn("gateway connection lost; reconnecting")
	}
	g.open(c, g.session)
}

// open runs Session.Open and reports the outcome as opened; openDeadline follows
// after OpenTimeout in case neither READY nor RESUMED came by then.
func (g *Gateway) open(c actor.Context, s *discordgo.Session) {
	g.opens++
	g.waiting = true
	open, self, system, watch := g.opens, c.Self(), c.ActorSystem(), g.conn
	watch.opening.Store(true)
	go func() {
		err := s.Open()
		watch.opening.Store(false)
		system.Root.Send(self, opened{open: open, err: err})
	}()
	g.stopDeadline()
	g.deadline = time.AfterFunc(g.cfg.OpenTimeout, func() { system.Root.Send(self, openDeadline{open: open}) })
}

func (g *Gateway) opened(c actor.Context, m opened) {
	if m.open != g.opens || !g.waiting {
		return
	}
	if m.err == nil {
		g.cfg.Log.Debug("gateway socket open")
		return
	}
	var ce *websocket.CloseError
	if errors.As(m.err, &ce) {
		metrics.CountGatewayReconnect(ce.Code)
	} else {
		metrics.CountGatewayReconnect(0)
	}
	g.failed(c, m.err)
}

// expired gives up on an open that did not reach READY in time. Open has no read
// deadline, so its socket is closed to free it, when it can be freed at all.
func (g *Gateway) expired(c actor.Context, m openDeadline) {
	if m.open != g.opens || !g.waiting {
		return
	}
	if g.conn != nil {
		g.conn.close()
	}
	metrics.CountGatewayReconnect(0)
	g.failed(c, fmt.Errorf("no READY within %s", g.cfg.OpenTimeout))
}

// failed ends the current open: a fatal close code goes to OnFatal, anything else
// builds a fresh session after a backoff.
func (g *Gateway) failed(c actor.Context, err error) {
	g.opens++ // late outcomes of this open are ignored
	g.waiting = false
	g.setUp(c, false)
	g.stopDeadline()
	var ce *websocket.CloseError
	if errors.As(err, &ce) && fatalClose(ce.Code) {
		g.fatal(c, ce)
		return
	}
	g.attempt++
	delay := min(time.Second<<min(g.attempt-1, 6), time.Minute)
	self, system := c.Self(), c.ActorSystem()
	if errors.Is(err, errReconnectEarly) && g.session != nil {
		// Discord asked us to come back: keep the session, so the next open
		// resumes it when it got as far as READY before.
		g.cfg.Log.Warn("gateway asked to reconnect while connecting; reconnecting",
			"attempt", g.attempt, "retry_in", delay.String())
		attempt := g.attempts
		g.timer = time.AfterFunc(delay, func() { system.Root.Send(self, reopenNow{attempt: attempt}) })
		return
	}
	g.cfg.Log.Warn("gateway connection failed; retrying", "err", (&rewrite{to: g.cfg.APIURL}).retarget(err).Error(),
		"attempt", g.attempt, "retry_in", delay.String())
	g.close()
	g.timer = time.AfterFunc(delay, func() { system.Root.Send(self, connect{}) })
}

func (g *Gateway) stopDeadline() {
	if g.deadline != nil {
		g.deadline.Stop()
		g.deadline = nil
	}
}

// live records that the current open reached READY or RESUMED.
func (g *Gateway) live(attempt uint64) bool {
	if attempt != g.attempts {
		return false
	}
	g.waiting = false
	g.attempt = 0
	g.stopDeadline()
	return true
}

// setUp records whether the session is live, and tells the event stream and the
// metrics when that changes.
func (g *Gateway) setUp(c actor.Context, up bool) {
	if up == g.up {
		return
	}
	g.up = up
	metrics.SetGatewayConnected(up)
	if up {
		c.ActorSystem().EventStream.Publish(Connected{AppID: g.cfg.AppID, BotName: g.botName})
		return
	}
	c.ActorSystem().EventStream.Publish(Disconnected{})
}

func (g *Gateway) onResumed(c actor.Context, m resumedEvent) {
	if g.live(m.attempt) {
		if !g.up {
			g.cfg.Log.Info("gateway session resumed")
		}
		g.setUp(c, true)
	}
}

func (g *Gateway) close() {
	if g.timer != nil {
		g.timer.Stop()
	}
	g.stopDeadline()
	if g.conn != nil {
		g.conn.close()
	}
	if s := g.session; s != nil {
		g.session = nil
		go func() { _ = s.Close() }()
	}
}
