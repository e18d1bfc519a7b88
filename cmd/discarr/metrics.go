package main

import (
	"context"
	"log/slog"
	"net"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/discarr/discarr/actors/metrics"
	"github.com/discarr/discarr/actors/supervisor"
	"github.com/discarr/discarr/config"
	"github.com/discarr/discarr/messages"
)

// readyDeadline bounds one /healthz answer: asking the supervisor for the core
// actors and pinging them all.
const readyDeadline = time.Second

// startMetrics serves /metrics and /healthz on metrics.listen until ctx ends, and
// does nothing when it is empty. An address that cannot be listened on is logged and
// discarr runs on without the endpoint: metrics are never worth the bot. Every
// configured service starts with an unknown health, so its series exist from the
// first scrape. The address is read once: changing it needs a restart.
func startMetrics(ctx context.Context, cfg *config.Config, system *actor.ActorSystem, root *actor.PID,
	log *slog.Logger) (stop func()) {
	if cfg.Metrics.Listen == "" {
		return func() {}
	}
	for name, sc := range cfg.Services {
		metrics.SetHealth(name, sc.Kind, messages.HealthUnknown)
	}
	if !loopback(cfg.Metrics.Listen) {
		log.Warn("the metrics endpoint, profiler included, is open to the network: "+
			"listen on 127.0.0.1 or firewall it", "listen", cfg.Metrics.Listen)
	}
	stop, err := metrics.Serve(ctx, cfg.Metrics.Listen, coreAnswers(system, root), log)
	if err != nil {
		log.Error("metrics endpoint off", "err", err.Error())
		return func() {}
	}
	return stop
}

// coreAnswers reports whether discarr's core is alive: the supervisor names the core
// actors as they are now (they change on a reload of the discord section), and each
// answers a Ping, all within readyDeadline. A hung media service does not count.
func coreAnswers(system *actor.ActorSystem, root *actor.PID) func() bool {
	return func() bool {
		deadline := time.Now().Add(readyDeadline)
		res, err := system.Root.RequestFuture(root, supervisor.CoreQuery{}, readyDeadline).Result()
		core, ok := res.(supervisor.Core)
		if err != nil || !ok {
			return false
		}
		left := time.Until(deadline)
		if left <= 0 {
			return false
		}
		var futures []*actor.Future
		for _, pid := range coreList(core) {
			if pid == nil {
				return false
			}
			futures = append(futures, system.Root.RequestFuture(pid, messages.Ping{}, left))
		}
		for _, f := range futures {
			res, err := f.Result()
			if err != nil {
				return false
			}
			switch res.(type) {
			case messages.Pong, *messages.Pong:
			default:
				return false
			}
		}
		return true
	}
}

// loopback reports whether the host of addr is a loopback address or localhost.
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
