package discord

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/bwmarrin/discordgo"

	"github.com/discarr/discarr/actors/metrics"
	"github.com/discarr/discarr/messages"
)

// respondHow says whether an answer is a new ephemeral message or an update of the
// message whose component was pressed.
type respondHow uint8

const (
	respondMessage respondHow = iota // type 4, ephemeral
	respondUpdate                    // type 7
)

// withStore asks the store and answers with render's payload. When the store does
// not answer within storeWait, the interaction is deferred and edited later.
func (h *handler) withStore(c actor.Context, query any, how respondHow, render func(any) Payload) {
	self := c.Self()
	f := c.RequestFuture(h.cfg.Store, query, storeWait)
	c.ReenterAfter(f, func(res any, err error) {
		h.guard(c, func() {
			if err == nil {
				h.reply(answer(how, render(res)))
				c.Stop(self)
				return
			}
			h.reply(deferral(how))
			later := c.RequestFuture(h.cfg.Store, query, 5*time.Second)
			c.ReenterAfter(later, func(res any, err error) {
				h.guard(c, func() {
					p := ephemeralPayload("discarr is restarting part of itself; try again in a moment.")
					if err == nil {
						p = render(res)
					}
					h.editOriginal(p)
					c.Stop(self)
				})
			})
		})
	})
}

func answer(how respondHow, p Payload) *InteractionResponse {
	if how == respondUpdate {
		p.Flags = 0
		return &InteractionResponse{Type: discordgo.InteractionResponseUpdateMessage, Data: p}
	}
	p.Flags = discordgo.MessageFlagsEphemeral
	return &InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: p}
}

func deferral(how respondHow) *InteractionResponse {
	if how == respondUpdate {
		return &InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate}
	}
	return &InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: Payload{Flags: discordgo.MessageFlagsEphemeral}}
}

func ephemeralPayload(text string) Payload {
	return Payload{Content: text, Embeds: []*discordgo.MessageEmbed{},
		Components: []discordgo.MessageComponent{}, AllowedMentions: noMentions(),
		Flags: discordgo.MessageFlagsEphemeral}
}

func ephemeralText(text string) *InteractionResponse {
	return &InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: ephemeralPayload(text)}
}

// reply sends the acknowledgement. It is the only place that does, and it does so
// once.
func (h *handler) reply(r *InteractionResponse) {
	if h.acked {
		return
	}
	h.acked = true
	ctx, cancel := context.WithTimeout(h.cfg.Ctx, 3*time.Second)
	defer cancel()
	if !h.in.Received.IsZero() {
		metrics.ObserveAck(time.Since(h.in.Received))
	}
	err := h.cfg.REST.Respond(ctx, h.in.ID, h.in.Token, r)
	h.logResult("acknowledge interaction", err)
}

func (h *handler) editOriginal(p Payload) {
	ctx, cancel := context.WithTimeout(h.cfg.Ctx, 10*time.Second)
	defer cancel()
	p.Flags = 0 // an edit cannot change whether the response is ephemeral
	err := h.cfg.REST.EditOriginal(ctx, h.in.AppID, h.in.Token, p)
	h.logResult("edit interaction response", err)
}

func (h *handler) logResult(op string, err error) {
	if err == nil {
		return
	}
	var api *APIError
	if errors.As(err, &api) && api.Code == CodeUnknownInteraction {
		h.cfg.Log.Warn("interaction expired before discarr answered", "interaction", h.in.ID,
			"age_ms", time.Since(h.in.Received).Milliseconds())
		return
	}
	h.cfg.Log.Warn(op, "interaction", h.in.ID, "err", err.Error())
}

// refreshRun is the state of one /refresh.
type refreshRun struct {
	want    map[string]bool
	got     map[string]messages.Polled
	started time.Time
	done    bool
}

type refreshDeadline struct{}

// startRefresh defers the answer, asks every service to poll now and waits for the
// answers up to the longest service timeout.
func (h *handler) startRefresh(c actor.Context) {
	if !h.cfg.Admins.Allows(h.in.Interaction) {
		h.reply(ephemeralText("Only discarr admins may refresh every service."))
		c.Stop(c.Self())
		return
	}
	h.reply(deferral(respondMessage))
	run := &refreshRun{want: map[string]bool{}, got: map[string]messages.Polled{}, started: time.Now()}
	h.refresh = run

	wait := time.Second
	for name, pids := range h.services.Pollers {
		run.want[name] = true
		for i, pid := range pids {
			if i == 0 {
				c.Request(pid, messages.PollNow{}) // the service actor answers Polled
			} else {
				c.Send(pid, messages.PollNow{})
			}
		}
		wait = max(wait, h.services.Timeout[name]+time.Second)
	}
	if len(run.want) == 0 {
		h.finishRefresh(c)
		return
	}
	self, system := c.Self(), c.ActorSystem()
	time.AfterFunc(min(wait, 14*time.Minute), func() { system.Root.Send(self, refreshDeadline{}) })
}

func (h *handler) polled(c actor.Context, m messages.Polled) {
	if h.refresh == nil {
		return
	}
	h.refresh.got[m.Service] = m
	if len(h.refresh.got) >= len(h.refresh.want) {
		h.finishRefresh(c)
	}
}

func (h *handler) finishRefresh(c actor.Context) {
	run := h.refresh
	if run == nil || run.done {
		return
	}
	run.done = true
	c.ActorSystem().EventStream.Publish(RefreshBoards{})
	h.editOriginal(ephemeralPayload(refreshReport(run, h.services.Timeout)))
	c.Stop(c.Self())
}

// refreshReport lists each service's answer, slowest problems first.
func refreshReport(run *refreshRun, timeouts map[string]time.Duration) string {
	names := make([]string, 0, len(run.want))
	for n := range run.want {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(names) == 0 {
		return "No services are configured."
	}
	var ok, bad []string
	for _, n := range names {
		p, answered := run.got[n]
		switch {
		case !answered:
			bad = append(bad, fmt.Sprintf("⏱️ **%s** did not answer within %s", n, timeouts[n]+time.Second))
		case p.Err != "":
			bad = append(bad, fmt.Sprintf("❌ **%s**: %s", n, p.Err))
		default:
			ok = append(ok, fmt.Sprintf("✅ **%s** answered in %d ms", n, p.Latency.Milliseconds()))
		}
	}
	head := fmt.Sprintf("Polled %d services: %d answered, %d did not.", len(names), len(ok), len(bad))
	return truncateLines(head, append(bad, ok...), 1900)
}

// truncateLines joins lines under head within limit runes, saying how many were left out.
func truncateLines(head string, lines []string, limit int) string {
	var b strings.Builder
	b.WriteString(head)
	used := len([]rune(head))
	for i, l := range lines {
		n := len([]rune(l)) + 1
		if used+n > limit-30 {
			fmt.Fprintf(&b, "\n…and %d more", len(lines)-i)
			break
		}
		b.WriteString("\n" + l)
		used += n
	}
	return b.String()
}
