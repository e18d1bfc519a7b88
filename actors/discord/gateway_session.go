package discord

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/bwmarrin/discordgo"
)

// newSession builds a discordgo Session pointed at the configured server, with
// every event handler guarded against panics.
func (g *Gateway) newSession(c actor.Context, attempt uint64) (*discordgo.Session, *connWatch) {
	s, _ := discordgo.New("Bot " + g.cfg.Token)
	s.Client = &http.Client{Timeout: 20 * time.Second, Transport: &rewrite{to: g.cfg.APIURL}}
	s.Identify.Intents = discordgo.IntentsGuilds | discordgo.IntentsGuildMessages
	s.StateEnabled = false
	// discordgo's own reconnect loop can reopen a Session after Close (a zombie
	// that keeps taking interactions); the actor reconnects instead.
	s.ShouldReconnectOnError = false
	s.ShouldRetryOnRateLimit = false
	s.LogLevel = discordgo.LogWarning
	watch := &connWatch{}
	s.Dialer = watch.dialer(nil)

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
	return s, watch
}

// guardEvent keeps a panic in an event handler from killing the process: discordgo
// runs handlers in goroutines without recover.
func guardEvent(log *slog.Logger, event string) {
	if r := recover(); r != nil {
		log.Error("gateway event handler crashed", "event", event, "panic", fmt.Sprint(r),
			"stack", string(debug.Stack()))
	}
}

// rewrite sends discordgo's requests for discord.com to the configured server.
// discordgo computes its endpoint URLs once at init, so this is the way to point a
// Session elsewhere.
type rewrite struct{ to *url.URL }

func (r *rewrite) RoundTrip(req *http.Request) (*http.Response, error) {
	out := req.Clone(req.Context())
	r.rebase(out.URL)
	out.Host = r.to.Host
	return http.DefaultTransport.RoundTrip(out)
}

// rebase points u, a discord.com URL, at the configured server.
func (r *rewrite) rebase(u *url.URL) {
	u.Scheme, u.Host = r.to.Scheme, r.to.Host
	if base := strings.TrimSuffix(r.to.Path, "/"); base != "" {
		u.Path = base + u.Path
	}
}

// retarget makes a transport error that quotes discord.com quote the server the
// request really went to.
func (r *rewrite) retarget(err error) error {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return err
	}
	if u, perr := url.Parse(ue.URL); perr == nil {
		r.rebase(u)
		ue.URL = u.String()
	}
	return err
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
