package main

import (
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/discarr/discarr/actors/discord"
	"github.com/discarr/discarr/actors/supervisor"
	"github.com/discarr/discarr/actors/watchdog"
	"github.com/discarr/discarr/messages"
)

// readyWait bounds how long startup waits for Discord before telling systemd it is
// ready anyway: a Discord outage at boot must not fail the start.
const readyWait = 20 * time.Second

// status is the STATUS= line systemctl status shows, for example
// "5 services, 1 down (sonarr), 3 downloading, gateway connected as discarr". It is
// read by the watchdog, which must never wait for an actor: the store publishes a
// messages.Summary whenever it changes, and status keeps the latest.
type status struct {
	services  int // from the configuration, until the first summary
	connected atomic.Pointer[string]
	lost      atomic.Bool // the gateway lost its connection and is getting it back
	summary   atomic.Pointer[messages.Summary]
	ready     chan struct{}
}

func newStatus(system *actor.ActorSystem, services int) *status {
	st := &status{services: services, ready: make(chan struct{})}
	system.EventStream.Subscribe(func(evt any) {
		switch e := evt.(type) {
		case discord.Connected:
			name := e.BotName
			st.lost.Store(false)
			if st.connected.Swap(&name) == nil {
				close(st.ready)
			}
		case discord.Disconnected:
			st.lost.Store(true)
		case messages.Summary:
			st.summary.Store(&e)
		}
	})
	return st
}

// String is safe for concurrent use.
func (st *status) String() string {
	gw := "connecting to Discord"
	if name := st.connected.Load(); name != nil {
		gw = "gateway connected as " + *name
		if st.lost.Load() {
			gw = "gateway reconnecting"
		}
	}
	sum := st.summary.Load()
	if sum == nil {
		return plural(st.services, "service") + ", " + gw
	}
	parts := []string{plural(sum.Services, "service"), standing(*sum), downloading(sum.Downloading), gw}
	return strings.Join(parts, ", ")
}

// standing says how the services are: all up, or which are down and how many are
// not known yet.
func standing(sum messages.Summary) string {
	var parts []string
	if sum.Down > 0 {
		parts = append(parts, fmt.Sprintf("%d down", sum.Down)+downNames(sum.DownNames, sum.Down))
	}
	if sum.Unknown > 0 {
		parts = append(parts, fmt.Sprintf("%d unknown", sum.Unknown))
	}
	if len(parts) == 0 {
		return "all up"
	}
	return strings.Join(parts, ", ")
}

// Naming the services down: at most maxDownNames, in at most maxDownRunes runes,
// since systemctl cuts the line at the terminal's width.
const (
	maxDownNames = 2
	maxDownRunes = 30
)

// downNames is " (a, b +3)": the first names that fit, and how many more of the
// down services there are.
func downNames(names []string, down int) string {
	for n := min(len(names), maxDownNames); n > 0; n-- {
		s := " (" + strings.Join(names[:n], ", ")
		if more := down - n; more > 0 {
			s += fmt.Sprintf(" +%d", more)
		}
		s += ")"
		if utf8.RuneCountInString(s) <= maxDownRunes {
			return s
		}
	}
	return ""
}

func downloading(n int) string {
	if n == 0 {
		return "nothing downloading"
	}
	return fmt.Sprintf("%d downloading", n)
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// notifyReady sends READY=1 when the gateway is connected, or after readyWait.
func notifyReady(st *status, log *slog.Logger) {
	select {
	case <-st.ready:
	case <-time.After(readyWait):
		log.Warn("Discord is not reachable yet; starting anyway and retrying")
	}
	if err := watchdog.Ready(nil, st.String()); err != nil {
		log.Warn("tell systemd we are ready", "err", err.Error())
	}
}

func coreList(c supervisor.Core) []*actor.PID {
	return []*actor.PID{c.Store, c.Gateway, c.Interactions}
}
