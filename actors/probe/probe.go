// Package probe owns the health-probe actors: one per service, checking liveness,
// version and the service's own warnings apart from the queue poll, so that a hung
// queue call does not hide health and a hung health call does not freeze the board.
package probe

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/discarr/discarr/actors/metrics"
	"github.com/discarr/discarr/actors/service"
	"github.com/discarr/discarr/actors/supervision"
	"github.com/discarr/discarr/messages"
)

// SlowAfter is the latency from which a probe counts as slow.
const SlowAfter = 2 * time.Second

// Config configures one probe actor.
type Config struct {
	Name, Kind        string
	Client            service.Client
	Interval, Timeout time.Duration
	// Store receives every Health; Service is told to poll at once when the service
	// comes back, so that the downloads board catches up without waiting.
	Store, Service *actor.PID
	Ctx            context.Context
	Log            *slog.Logger
}

// Actor probes one service on its interval and reports its Health.
type Actor struct {
	cfg      Config
	last     messages.Health
	inFlight uint64
	cancel   context.CancelFunc
	timer    *time.Timer
}

type tick struct{}

type probed struct {
	id      uint64
	result  service.Probe
	err     error
	latency time.Duration
}

var probeIDs atomic.Uint64

// New returns the producer of a probe actor.
func New(cfg Config) actor.Producer {
	return func() actor.Actor {
		return &Actor{cfg: cfg, last: messages.Health{Service: cfg.Name, Kind: cfg.Kind}}
	}
}

// Receive handles the actor's messages.
func (a *Actor) Receive(c actor.Context) {
	switch m := c.Message().(type) {
	case *actor.Started:
		// Probe at once so the health board fills in quickly.
		a.start(c)
	case tick:
		// Our own timer.
		a.start(c)
	case probed:
		// A probe ended.
		a.finish(c, m)
	case supervision.Crashed:
		// The client panicked in its goroutine: crash here, so we are restarted.
		panic(m)
	case messages.PollNow:
		// /refresh or a button asks for fresh health too, at most every MinPollGap.
		if a.last.CheckedAt.IsZero() || time.Since(a.last.CheckedAt) >= service.MinPollGap {
			a.start(c)
		}
	case *actor.Stopping, *actor.Restarting:
		a.stop()
	}
}

func (a *Actor) start(c actor.Context) {
	if a.inFlight != 0 {
		return
	}
	if a.timer != nil {
		a.timer.Stop()
	}
	ctx, cancel := context.WithTimeout(a.cfg.Ctx, service.PollBudget(a.cfg.Timeout))
	id := probeIDs.Add(1)
	a.inFlight, a.cancel = id, cancel

	client := a.cfg.Client
	supervision.Go(c.ActorSystem(), c.Self(), func() any {
		defer cancel()
		began := time.Now()
		res, err := client.Probe(ctx)
		return probed{id: id, result: res, err: err, latency: time.Since(began)}
	})
}

func (a *Actor) finish(c actor.Context, m probed) {
	if m.id != a.inFlight {
		return
	}
	a.inFlight, a.cancel = 0, nil
	if a.cfg.Ctx.Err() != nil {
		return // discarr is stopping: the probe was cut short, not answered
	}

	h := Assess(a.cfg.Name, a.cfg.Kind, m.result, m.err, m.latency, a.cfg.Timeout)
	metrics.SetHealth(a.cfg.Name, a.cfg.Kind, h.State)
	h.CheckedAt = time.Now()
	h.Since = h.CheckedAt
	if a.last.State == h.State && !a.last.Since.IsZero() {
		h.Since = a.last.Since
	}
	if h.State != a.last.State {
		a.logChange(h)
	}
	recovered := a.last.State == messages.HealthCritical && h.State != messages.HealthCritical
	a.last = h
	c.Send(a.cfg.Store, h)
	if recovered && a.cfg.Service != nil {
		c.Send(a.cfg.Service, messages.PollNow{})
	}

	self, system := c.Self(), c.ActorSystem()
	a.timer = time.AfterFunc(a.cfg.Interval, func() { system.Root.Send(self, tick{}) })
}

// logChange tells the journal about a change of health: a service going bad at
// Warn, so that `journalctl -p warning` shows it, and everything else at Info.
func (a *Actor) logChange(h messages.Health) {
	attrs := []any{"service", a.cfg.Name, "kind", a.cfg.Kind, "from", a.last.State.String(),
		"to", h.State.String()}
	if h.Err != "" {
		attrs = append(attrs, "err", h.Err)
	}
	switch {
	case h.State == messages.HealthCritical:
		a.cfg.Log.Warn("service is down", attrs...)
	case h.State == messages.HealthWarning:
		a.cfg.Log.Warn("service needs attention", attrs...)
	case a.last.State == messages.HealthCritical:
		a.cfg.Log.Info("service is back", attrs...)
	default:
		a.cfg.Log.Info("service health changed", attrs...)
	}
}

func (a *Actor) stop() {
	if a.timer != nil {
		a.timer.Stop()
	}
	if a.cancel != nil {
		a.cancel()
	}
}

// Assess turns one probe's outcome into a Health (without Since or CheckedAt): a
// failed probe is Critical with the error in an admin's words; a working service is
// OK, or Warning when it is slow or reports warnings of its own.
func Assess(name, kind string, p service.Probe, err error, latency, timeout time.Duration) messages.Health {
	h := messages.Health{Service: name, Kind: kind, Latency: latency}
	if err != nil {
		h.State = messages.HealthCritical
		h.Err = service.Describe(err, timeout)
		h.Band = messages.LatencyOK
		if latency >= timeout {
			h.Band = messages.LatencyTimeout
		}
		return h
	}

	h.Version, h.API, h.Warnings, h.Stats = p.Version, p.API, p.Warnings, p.Stats
	h.State, h.Band = messages.HealthOK, messages.LatencyOK
	if latency >= SlowAfter {
		h.State, h.Band = messages.HealthWarning, messages.LatencySlow
	}
	for _, w := range p.Warnings {
		if w.Level != "notice" && w.Level != "ok" {
			h.State = messages.HealthWarning
		}
	}
	return h
}
