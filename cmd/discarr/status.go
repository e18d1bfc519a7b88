package main

import (
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/discarr/discarr/actors/discord"
	"github.com/discarr/discarr/actors/supervisor"
	"github.com/discarr/discarr/actors/watchdog"
)

// readyWait bounds how long startup waits for Discord before telling systemd it is
// ready anyway: a Discord outage at boot must not fail the start.
const readyWait = 20 * time.Second

// status is the STATUS= line systemctl status shows.
type status struct {
	services  int
	connected atomic.Pointer[string]
	ready     chan struct{}
}

func newStatus(system *actor.ActorSystem, services int) *status {
	st := &status{services: services, ready: make(chan struct{})}
	system.EventStream.Subscribe(func(evt any) {
		if c, ok := evt.(discord.Connected); ok {
			name := c.BotName
			if st.connected.Swap(&name) == nil {
				close(st.ready)
			}
		}
	})
	return st
}

// String is safe for concurrent use.
func (st *status) String() string {
	gw := "connecting to Discord"
	if name := st.connected.Load(); name != nil {
		gw = "gateway connected as " + *name
	}
	return fmt.Sprintf("%d services, %s", st.services, gw)
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
