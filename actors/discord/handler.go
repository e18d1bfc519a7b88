package discord

import (
	"fmt"
	"runtime/debug"
	"strings"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/bwmarrin/discordgo"

	"github.com/discarr/discarr/messages"
)

// storeWait is how long an interaction waits for the store before it defers its
// answer. The store answers in microseconds; this only matters while it restarts.
const storeWait = 500 * time.Millisecond

// handler answers one interaction, then stops. It acknowledges at once: with the
// answer when the store has it, or with a deferred response that it edits later.
type handler struct {
	cfg      InteractionsConfig
	services Services
	in       Interaction
	acked    bool
	refresh  *refreshRun
}

// Receive handles the handler's messages.
func (h *handler) Receive(c actor.Context) {
	switch m := c.Message().(type) {
	case *actor.Started:
		// Our one interaction: route it.
		h.guard(c, func() { h.route(c) })
	case messages.Polled:
		// A service answered /refresh.
		h.guard(c, func() { h.polled(c, m) })
	case refreshDeadline:
		// /refresh waited long enough for the slow ones.
		h.guard(c, func() { h.finishRefresh(c) })
	}
}

// guard recovers a panic in answering, logs it, and still answers the person if
// nothing was sent yet, then stops: a handler is never restarted (that would ack
// twice).
func (h *handler) guard(c actor.Context, f func()) {
	defer func() {
		if r := recover(); r != nil {
			h.cfg.Log.Error("interaction handler crashed", "interaction", h.in.ID,
				"panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			if !h.acked {
				h.reply(ephemeralText("Something went wrong answering this; discarr logged it."))
			}
			c.Stop(c.Self())
		}
	}()
	f()
}

func (h *handler) route(c actor.Context) {
	switch h.in.Type {
	case discordgo.InteractionApplicationCommand:
		h.command(c)
	case discordgo.InteractionApplicationCommandAutocomplete:
		h.autocomplete(c)
	case discordgo.InteractionMessageComponent:
		h.component(c)
	default:
		h.cfg.Log.Debug("ignoring interaction of unknown type", "type", int(h.in.Type))
		c.Stop(c.Self())
	}
}

func (h *handler) command(c actor.Context) {
	data, ok := h.in.Data.(discordgo.ApplicationCommandInteractionData)
	if !ok {
		h.unreadable(c)
		return
	}
	opts := map[string]string{}
	for _, o := range data.Options {
		if o != nil {
			opts[o.Name] = fmt.Sprint(o.Value)
		}
	}
	switch data.Name {
	case "downloads":
		f, _ := messages.ParseFilter(opts["filter"])
		h.withStore(c, messages.QueryDownloads{}, respondMessage, func(m any) Payload {
			return RenderDownloads(m.(messages.DownloadsBoard), View{Filter: f, Personal: true}, time.Time{})
		})
	case "health":
		// Instance names are lower-case; what people type may not be.
		h.health(c, strings.ToLower(strings.TrimSpace(opts["service"])), respondMessage)
	case "refresh":
		h.startRefresh(c)
	default:
		h.reply(ephemeralText("discarr does not know the command /" + data.Name + "."))
		c.Stop(c.Self())
	}
}

func (h *handler) health(c actor.Context, service string, how respondHow) {
	if service != "" && !h.known(service) {
		h.reply(ephemeralText(fmt.Sprintf("There is no service named %q. Known: %s.",
			service, strings.Join(h.services.Names, ", "))))
		c.Stop(c.Self())
		return
	}
	h.withStore(c, messages.QueryHealth{}, how, func(m any) Payload {
		return RenderHealth(m.(messages.HealthBoard), service, true, time.Time{})
	})
}

func (h *handler) known(service string) bool {
	for _, n := range h.services.Names {
		if n == service {
			return true
		}
	}
	return false
}

func (h *handler) autocomplete(c actor.Context) {
	defer c.Stop(c.Self())
	data, ok := h.in.Data.(discordgo.ApplicationCommandInteractionData)
	typed := ""
	if ok {
		for _, o := range data.Options {
			if o != nil && o.Focused {
				typed = strings.ToLower(fmt.Sprint(o.Value))
			}
		}
	}
	choices := []*discordgo.ApplicationCommandOptionChoice{}
	for _, n := range h.services.Names {
		if strings.Contains(n, typed) && len(choices) < 25 {
			choices = append(choices, &discordgo.ApplicationCommandOptionChoice{Name: n, Value: n})
		}
	}
	h.reply(&InteractionResponse{Type: discordgo.InteractionApplicationCommandAutocompleteResult,
		Data: Choices{Choices: choices}})
}

func (h *handler) component(c actor.Context) {
	data, ok := h.in.Data.(discordgo.MessageComponentInteractionData)
	if !ok {
		h.unreadable(c)
		return
	}
	id, err := ParseCustomID(data.CustomID)
	if err != nil {
		h.reply(ephemeralText("This button is from another version of discarr; use /downloads or /health."))
		c.Stop(c.Self())
		return
	}
	if id.Action == ActionFilter && len(data.Values) > 0 {
		id.Filter, _ = messages.ParseFilter(data.Values[0])
		id.Page = 0
	}
	how := respondMessage
	if id.Scope == ScopeView {
		how = respondUpdate
	}

	switch {
	case id.Action == ActionRefresh && id.Scope == ScopeBoard:
		h.pressRefresh(c, id.Board)
	case id.Board == BoardHealth:
		h.health(c, id.Service, how)
	default:
		view := View{Page: id.Page, Filter: id.Filter, Personal: true}
		h.withStore(c, messages.QueryDownloads{}, how, func(m any) Payload {
			return RenderDownloads(m.(messages.DownloadsBoard), view, time.Time{})
		})
	}
}

// pressRefresh acknowledges a board's refresh button without changing anything, then
// asks every service for fresh data and the boards to redraw.
func (h *handler) pressRefresh(c actor.Context, board Board) {
	h.reply(&InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate})
	for _, pids := range h.services.Pollers {
		for _, pid := range pids {
			c.Send(pid, messages.PollNow{})
		}
	}
	c.ActorSystem().EventStream.Publish(RefreshBoards{})
	c.Stop(c.Self())
}

// RefreshBoards is published on the event stream to make every board redraw now.
type RefreshBoards struct{}

func (h *handler) unreadable(c actor.Context) {
	h.cfg.Log.Warn("interaction data could not be read", "interaction", h.in.ID,
		"data", fmt.Sprintf("%T", h.in.Data))
	h.reply(ephemeralText("discarr could not read this interaction; try /downloads or /health."))
	c.Stop(c.Self())
}
