// Package metrics owns discarr's Prometheus metrics and the optional HTTP endpoint
// that serves them with a health check: how long service polls take and how often
// they fail, each service's health, interaction acknowledgement latency, Discord
// requests and rate limits, actor restarts, board edits and the gateway's state.
//
// Every metric lives on the package's own registry, never on Prometheus's global
// one. The recording functions are cheap and safe for concurrent use, and they
// record whether or not the endpoint is served, so callers need not care whether
// metrics are turned on.
package metrics

import (
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/discarr/discarr/actors/supervision"
	"github.com/discarr/discarr/messages"
)

// registry holds every discarr metric plus the Go runtime and process collectors.
var registry = prometheus.NewRegistry()

// The metrics. Label values come from discarr's configuration and its fixed route
// names, never from what services or users send, so their number stays bounded.
var (
	pollDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "discarr_poll_duration_seconds",
		Help:    "Time one poll of a service took, successful or not.",
		Buckets: []float64{.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
	}, []string{"service", "kind"})
	pollErrors = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "discarr_poll_errors_total",
		Help: "Polls of a service that failed.",
	}, []string{"service", "kind"})
	serviceHealth = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "discarr_service_health",
		Help: "A service's health: 1 for its current state, 0 for the others.",
	}, []string{"service", "kind", "state"})
	ackSeconds = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "discarr_interaction_ack_seconds",
		Help: "Time from an interaction reaching discarr to its acknowledgement leaving it.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5,
			3, 5},
	})
	discordRequests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "discarr_discord_requests_total",
		Help: "Requests to Discord's REST API by route and answer status " +
			`("error" when none arrived).`,
	}, []string{"route", "status"})
	discordRateLimited = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "discarr_discord_rate_limited_total",
		Help: "Discord requests refused with 429 or held back because they would be.",
	}, []string{"route"})
	boardEdits = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "discarr_board_edits_total",
		Help: "Edits (and posts) of a board message sent to Discord.",
	}, []string{"board"})
	gatewayConnected = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "discarr_gateway_connected",
		Help: "1 while the Discord gateway session is live (READY or RESUMED seen), 0 while connecting.",
	})
	gatewayReconnects = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "discarr_gateway_reconnects_total",
		Help: "Gateway connections that ended or failed, so that discarr connected again, " +
			`by Discord's close code ("none" when the connection ended without one).`,
	}, []string{"close_code"})
)

func init() {
	registry.MustRegister(
		pollDuration, pollErrors, serviceHealth, ackSeconds, discordRequests,
		discordRateLimited, boardEdits, gatewayConnected, gatewayReconnects,
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "discarr_actor_restarts_total",
			Help: "Restarts of crashed actors the supervisors scheduled.",
		}, func() float64 { return float64(supervision.Restarts.Load()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "discarr_actor_panics_total",
			Help: "Panics inside actors, each logged with its stack.",
		}, func() float64 { return float64(supervision.Panics.Load()) }),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
}

// Registry returns the registry every discarr metric is registered on.
func Registry() *prometheus.Registry { return registry }

// ObservePoll records one poll of a service: how long it took, and whether it failed.
func ObservePoll(service, kind string, d time.Duration, failed bool) {
	pollDuration.WithLabelValues(service, kind).Observe(d.Seconds())
	if failed {
		pollErrors.WithLabelValues(service, kind).Inc()
	} else {
		// Create the series at zero, so that rate() sees the first failure.
		pollErrors.WithLabelValues(service, kind)
	}
}

// healthStates are every state SetHealth sets, in the board's order.
var healthStates = []messages.HealthState{
	messages.HealthOK, messages.HealthWarning, messages.HealthCritical, messages.HealthUnknown,
}

// stateLabel is the state label of a health state: "ok", "warning", ...
func stateLabel(h messages.HealthState) string { return strings.ToLower(h.String()) }

// SetHealth records a service's current health: 1 for state, 0 for every other state.
func SetHealth(service, kind string, state messages.HealthState) {
	for _, h := range healthStates {
		v := 0.0
		if h == state {
			v = 1
		}
		serviceHealth.WithLabelValues(service, kind, stateLabel(h)).Set(v)
	}
}

// ForgetService drops every series of a service that is no longer configured.
func ForgetService(service string) {
	labels := prometheus.Labels{"service": service}
	pollDuration.DeletePartialMatch(labels)
	pollErrors.DeletePartialMatch(labels)
	serviceHealth.DeletePartialMatch(labels)
}

// ObserveAck records the time from an interaction's arrival to its acknowledgement.
func ObserveAck(d time.Duration) { ackSeconds.Observe(d.Seconds()) }

// CountDiscordRequest records one Discord REST request on route (a rate-limit bucket
// name such as "PATCH /channels/123/messages/:id", never with a token in it) and the
// status it was answered with; status 0 means no answer arrived. A 429 also counts as
// rate limited.
func CountDiscordRequest(route string, status int) {
	label := "error"
	if status > 0 {
		label = strconv.Itoa(status)
	}
	discordRequests.WithLabelValues(route, label).Inc()
	if status == 429 {
		discordRateLimited.WithLabelValues(route).Inc()
	}
}

// CountRateLimitHeld records a Discord request on route that was not sent because
// its bucket (or the global limit) was exhausted.
func CountRateLimitHeld(route string) { discordRateLimited.WithLabelValues(route).Inc() }

// CountBoardEdit records one message edit (or post) of a board, such as "downloads".
func CountBoardEdit(board string) { boardEdits.WithLabelValues(board).Inc() }

// SetGatewayConnected records whether the gateway session is live.
func SetGatewayConnected(live bool) {
	v := 0.0
	if live {
		v = 1
	}
	gatewayConnected.Set(v)
}

// CountGatewayReconnect records a gateway connection that ended or failed with the
// close code Discord sent, 0 for none.
func CountGatewayReconnect(code int) {
	label := "none"
	if code != 0 {
		label = strconv.Itoa(code)
	}
	gatewayReconnects.WithLabelValues(label).Inc()
}
