package discord

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"

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

// ErrTokenRefused says Discord does not accept the bot token.
var ErrTokenRefused = errors.New("discord refused the bot token: check discord.token " +
	"(Developer Portal → your application → Bot → Reset Token)")

// Connected is published on the event stream when the gateway is ready.
type Connected struct {
	AppID, BotID, BotName string
}

// Gateway is the gateway actor: it owns the discordgo Session and forwards every
// interaction to the interactions actor. A connection attempt that does not reach
// READY (or RESUMED) in time is thrown away with its socket, and a new one built
// with backoff: discordgo's Open may return before READY (after op 9) or never
// return at all (op 7 as the first frame deadlocks it).
type Gateway struct {
	cfg      GatewayConfig
	session  *discordgo.Session
	attempt  int
	attempts uint64 // sessions built
	opens    uint64 // Open calls, resumes included
	waiting  bool   // the current open has not seen READY or RESUMED yet
	conn     *connHolder
	timer    *time.Timer
	deadline *time.Timer
	ready    bool
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
		g.onResumed(m)
	case commandsDone:
		// The command registration ended.
		g.commandsDone(m)
	case disconnected:
		// The socket closed under an open session: open it again (a RESUME).
		g.reopen(c, m)
	case messages.Ping:
		// The watchdog checks that we answer.
		c.Respond(messages.Pong{})
	case *actor.Stopping, *actor.Restarting:
		g.stopped = true
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
	if g.waiting {
		// Closed before READY or RESUMED: resuming again at once would spin.
		g.failed(c, errors.New("gateway closed the connection before READY"))
		return
	}
	g.cfg.Log.Warn("gateway connection lost; reconnecting")
	g.open(c, g.session)
}

// open runs Session.Open and reports the outcome as opened; openDeadline follows
// after OpenTimeout in case neither READY nor RESUMED came by then.
func (g *Gateway) open(c actor.Context, s *discordgo.Session) {
	g.opens++
	g.waiting = true
	open, self, system := g.opens, c.Self(), c.ActorSystem()
	go func() { system.Root.Send(self, opened{open: open, err: s.Open()}) }()
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
	g.failed(c, fmt.Errorf("no READY within %s", g.cfg.OpenTimeout))
}

// failed ends the current open: a fatal close code goes to OnFatal, anything else
// builds a fresh session after a backoff.
func (g *Gateway) failed(c actor.Context, err error) {
	g.opens++ // late outcomes of this open are ignored
	g.waiting = false
	g.stopDeadline()
	var ce *websocket.CloseError
	if errors.As(err, &ce) && fatalClose(ce.Code) {
		g.fatal(c, ce)
		return
	}
	g.attempt++
	delay := min(time.Second<<min(g.attempt-1, 6), time.Minute)
	g.cfg.Log.Warn("gateway connection failed; retrying", "err", err.Error(),
		"attempt", g.attempt, "retry_in", delay.String())
	g.close()
	self, system := c.Self(), c.ActorSystem()
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

func (g *Gateway) onResumed(m resumedEvent) {
	if g.live(m.attempt) {
		g.cfg.Log.Debug("gateway session resumed")
	}
}

// fatalClose reports close codes after which Discord will never accept the session.
func fatalClose(code int) bool {
	return code == 4004 || (code >= 4010 && code <= 4014)
}

func (g *Gateway) fatal(c actor.Context, ce *websocket.CloseError) {
	g.close()
	err := fmt.Errorf("gateway closed with %d %s", ce.Code, ce.Text)
	if ce.Code == 4004 {
		ctx, cancel := context.WithTimeout(g.cfg.Ctx, 10*time.Second)
		_, meErr := g.cfg.REST.Me(ctx)
		cancel()
		var api *APIError
		if errors.As(meErr, &api) && api.Status == http.StatusUnauthorized {
			err = ErrTokenRefused
		}
	} else {
		err = fmt.Errorf("%w: the bot may not use these gateway intents (%d)", err, ce.Code)
	}
	g.cfg.Log.Error("discord will not accept this bot", "err", err.Error())
	if g.cfg.OnFatal != nil {
		g.cfg.OnFatal(err)
	}
}

func (g *Gateway) onReady(c actor.Context, m readyEvent) {
	if !g.live(m.attempt) {
		return
	}
	if g.cfg.AppID == "" {
		g.cfg.AppID = m.appID
	}
	name := ""
	if m.user != nil {
		name = m.user.Username
	}
	if !g.ready {
		g.cfg.Log.Info("connected to discord", "bot", name, "application_id", g.cfg.AppID)
	}
	g.ready = true
	c.ActorSystem().EventStream.Publish(Connected{AppID: g.cfg.AppID, BotName: name})
	if g.commands {
		return
	}
	self, system, cfg := c.Self(), c.ActorSystem(), g.cfg
	go func() {
		ctx, cancel := context.WithTimeout(cfg.Ctx, 30*time.Second)
		defer cancel()
		_, err := cfg.REST.OverwriteCommands(ctx, cfg.AppID, cfg.GuildID, Commands())
		system.Root.Send(self, commandsDone{err: err})
	}()
	g.commands = true
}

func (g *Gateway) commandsDone(m commandsDone) {
	if m.err != nil {
		g.commands = false
		g.cfg.Log.Error("register slash commands", "guild", g.cfg.GuildID, "err", m.err.Error())
		return
	}
	g.cfg.Log.Info("slash commands registered", "guild", g.cfg.GuildID)
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

// newSession builds a discordgo Session pointed at the configured server, with
// every event handler guarded against panics.
func (g *Gateway) newSession(c actor.Context, attempt uint64) (*discordgo.Session, *connHolder) {
	s, _ := discordgo.New("Bot " + g.cfg.Token)
	s.Client = &http.Client{Timeout: 20 * time.Second, Transport: &rewrite{to: g.cfg.APIURL}}
	s.Identify.Intents = discordgo.IntentsGuilds | discordgo.IntentsGuildMessages
	s.StateEnabled = false
	// discordgo's own reconnect loop can reopen a Session after Close (a zombie
	// that keeps taking interactions); the actor reconnects instead.
	s.ShouldReconnectOnError = false
	s.ShouldRetryOnRateLimit = false
	s.LogLevel = discordgo.LogWarning

	holder := &connHolder{}
	dialer := &net.Dialer{Timeout: 15 * time.Second}
	s.Dialer = &websocket.Dialer{
		HandshakeTimeout: 15 * time.Second,
		NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			conn, err := dialer.DialContext(ctx, network, addr)
			if err == nil {
				holder.set(conn)
			}
			return conn, err
		},
	}

	self, system, log := c.Self(), c.ActorSystem(), g.cfg.Log
	s.AddHandler(func(_ *discordgo.Session, r *discordgo.Ready) {
		defer guardEvent(log, "READY")
		ev := readyEvent{attempt: attempt, user: r.User}
		if r.Application != nil {
			ev.appID = r.Application.ID
		}
		system.Root.Send(self, ev)
	})
	s.AddHandler(func(_ *discordgo.Session, i *discordgo.InteractionCreate) {
		defer guardEvent(log, "INTERACTION_CREATE")
		system.Root.Send(g.cfg.Interactions, Interaction{Interaction: i.Interaction, Received: time.Now()})
	})
	s.AddHandler(func(_ *discordgo.Session, _ *discordgo.Resumed) {
		defer guardEvent(log, "RESUMED")
		system.Root.Send(self, resumedEvent{attempt: attempt})
	})
	s.AddHandler(func(_ *discordgo.Session, _ *discordgo.Disconnect) {
		defer guardEvent(log, "DISCONNECT")
		system.Root.Send(self, disconnected{attempt: attempt})
	})
	s.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageDelete) {
		defer guardEvent(log, "MESSAGE_DELETE")
		if m.Message != nil {
			system.EventStream.Publish(MessageDeleted{ChannelID: m.ChannelID, MessageID: m.ID})
		}
	})
	return s, holder
}

// guardEvent keeps a panic in an event handler from killing the process: discordgo
// runs handlers in goroutines without recover.
func guardEvent(log *slog.Logger, event string) {
	if r := recover(); r != nil {
		log.Error("gateway event handler crashed", "event", event, "panic", fmt.Sprint(r),
			"stack", string(debug.Stack()))
	}
}

// connHolder remembers the gateway's raw connection, so that a hung Open can be
// freed by closing it.
type connHolder struct {
	mu   sync.Mutex
	conn net.Conn
}

func (h *connHolder) set(c net.Conn) {
	h.mu.Lock()
	h.conn = c
	h.mu.Unlock()
}

func (h *connHolder) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.conn != nil {
		_ = h.conn.Close()
		h.conn = nil
	}
}

// rewrite sends discordgo's requests for discord.com to the configured server.
// discordgo computes its endpoint URLs once at init, so this is the way to point a
// Session elsewhere.
type rewrite struct{ to *url.URL }

func (r *rewrite) RoundTrip(req *http.Request) (*http.Response, error) {
	out := req.Clone(req.Context())
	out.URL.Scheme, out.URL.Host = r.to.Scheme, r.to.Host
	if base := strings.TrimSuffix(r.to.Path, "/"); base != "" {
		out.URL.Path = base + out.URL.Path
	}
	out.Host = r.to.Host
	return http.DefaultTransport.RoundTrip(out)
}

var routeLogsOnce sync.Once

// routeLibraryLogs sends discordgo's own log lines to our logger at Debug: what
// matters to an admin, the gateway actor logs itself.
func routeLibraryLogs(log *slog.Logger) {
	routeLogsOnce.Do(func() {
		discordgo.Logger = func(_, _ int, format string, a ...any) {
			log.Debug(fmt.Sprintf(format, a...), "lib", "discordgo")
		}
	})
}
