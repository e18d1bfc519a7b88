// Package supervisor owns the root of discarr's actor tree: it builds every actor
// from the configuration, restarts crashed ones with backoff, gives up on a service
// whose actors keep crashing, and stops the tree within a deadline.
package supervisor

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/discarr/discarr/actors/discord"
	"github.com/discarr/discarr/actors/metrics"
	"github.com/discarr/discarr/actors/probe"
	"github.com/discarr/discarr/actors/service"
	"github.com/discarr/discarr/actors/state"
	"github.com/discarr/discarr/actors/store"
	"github.com/discarr/discarr/actors/supervision"
	"github.com/discarr/discarr/config"
	"github.com/discarr/discarr/messages"
)

// Options are what the supervisor needs beyond the configuration.
type Options struct {
	Config  *config.Config
	State   *state.File
	Log     *slog.Logger
	Version string
	// Ctx is cancelled to end every call in flight, before the tree is stopped.
	Ctx context.Context
	// OnFatal is called when discarr cannot go on (Discord refused the token).
	OnFatal func(error)
	// NewClient builds a service's client; nil means service.New. Tests use it to
	// put a misbehaving client under a real actor.
	NewClient func(service.Options) (service.Client, error)
	// HTTP builds a service's HTTP client; nil means service.NewHTTPClient.
	HTTP func(config.Service) (*http.Client, error)
	// GatewayOpenTimeout bounds one gateway connection attempt, READY included;
	// zero means the gateway's default of 30 s.
	GatewayOpenTimeout time.Duration
}

// Core are the actors whose health the watchdog checks: if any stops answering,
// discarr itself is wedged.
type Core struct {
	Store, Gateway, Interactions *actor.PID
}

// Supervisor is the root actor.
type Supervisor struct {
	opts     Options
	core     Core
	services map[string]serviceActors
	boards   []*actor.PID
	coreCh   chan Core
	system   *actor.ActorSystem
	gen      int // generation of the Discord actors
	svcGen   int // generation of service actors, one per spawn
}

// serviceActors are the two actors of one service.
type serviceActors struct {
	cfg            config.Service
	service, probe *actor.PID
}

// Start spawns the supervisor under the system's root and returns its PID and the
// core actors once they run.
func Start(system *actor.ActorSystem, opts Options) (*actor.PID, Core) {
	coreCh := make(chan Core, 1)
	s := &Supervisor{opts: opts, services: map[string]serviceActors{}, coreCh: coreCh}
	props := supervision.Props(opts.Log, func() actor.Actor { return s },
		actor.WithSupervisor(s.strategy()))
	pid, _ := system.Root.SpawnNamed(props, "supervisor")
	return pid, <-coreCh
}

// strategy restarts crashed children with a growing delay; a service's actors that
// crash more than five times in ten minutes are stopped and the service marked failed.
func (s *Supervisor) strategy() actor.SupervisorStrategy {
	return &supervision.Backoff{
		Initial: 500 * time.Millisecond, Max: 30 * time.Second, Window: 10 * time.Minute, Limit: 5,
		Log: s.opts.Log,
		GiveUp: func(child *actor.PID) bool {
			_, ok := serviceOf(child)
			return ok
		},
		OnGiveUp: func(child *actor.PID, reason any) {
			name, _ := serviceOf(child)
			cfg := s.opts.Config.Services[name]
			s.opts.Log.Error("service given up after repeated crashes", "service", name, "kind", cfg.Kind)
			metrics.SetHealth(name, cfg.Kind, messages.HealthCritical)
			s.system.Root.Send(s.core.Store, messages.ServiceFailed{Service: name,
				Kind: cfg.Kind, Reason: "discarr gave up on this service after repeated crashes",
				At: time.Now()})
		},
	}
}

// serviceOf returns the service an actor belongs to, from its name.
func serviceOf(pid *actor.PID) (string, bool) {
	id := pid.GetId()
	for _, prefix := range []string{"supervisor/svc-", "supervisor/probe-"} {
		if rest, ok := strings.CutPrefix(id, prefix); ok {
			if i := strings.LastIndexByte(rest, '-'); i > 0 {
				rest = rest[:i] // the generation suffix
			}
			return rest, true
		}
	}
	return "", false
}

// Receive handles the supervisor's messages.
func (s *Supervisor) Receive(c actor.Context) {
	switch m := c.Message().(type) {
	case *actor.Started:
		// Build the whole tree from the configuration.
		s.build(c)
	case Reload:
		// SIGHUP brought a new, valid configuration: apply only what changed.
		c.Respond(s.reload(c, m.Config))
	case ServicesQuery:
		// Tests and diagnostics ask which actors serve which service.
		c.Respond(s.servicePIDs())
	case CoreQuery:
		// The watchdog asks which actors are the core now.
		c.Respond(s.core)
	case *actor.Restarting:
		// Our children survive our restart; nothing to rebuild.
	}
}

func (s *Supervisor) build(c actor.Context) {
	if s.core.Store != nil {
		return // restarted: the children are still there
	}
	cfg := s.opts.Config
	s.system = c.ActorSystem()
	s.core.Store = s.spawn(c, "store", store.New())

	kinds := map[string]string{}
	for name, sc := range cfg.Services {
		kinds[name] = sc.Kind
	}
	c.Send(s.core.Store, messages.ServicesChanged{Services: kinds})
	for _, name := range cfg.ServiceNames() {
		sc := cfg.Services[name]
		s.startService(c, sc)
	}

	s.spawnDiscord(c, cfg)
	s.coreCh <- s.core
}

// spawnDiscord starts the boards, the interactions actor and the gateway.
func (s *Supervisor) spawnDiscord(c actor.Context, cfg *config.Config) {
	s.gen++
	log := s.opts.Log
	// One client per role, so that no role's requests wait behind another's buckets;
	// they share the token's global limit.
	boardREST := discord.NewREST(cfg.Discord.APIURL, cfg.Discord.Token.Reveal(), restClient(), s.opts.Version)
	s.boards = nil
	for _, b := range []discord.Board{discord.BoardDownloads, discord.BoardHealth} {
		s.boards = append(s.boards, s.spawn(c, s.named("board-"+string(b)), discord.NewBoard(discord.BoardConfig{
			Board: b, Channel: cfg.Discord.ChannelID, REST: boardREST, Store: s.core.Store,
			State: s.opts.State, Interval: cfg.Discord.BoardRefresh, Ctx: s.opts.Ctx, Log: log,
		})))
	}

	s.core.Interactions = s.spawnInteractions(c, boardREST.Sibling(restClient()))
	c.Send(s.core.Interactions, s.servicesMessage())

	s.core.Gateway = s.spawn(c, s.named("gateway"), discord.NewGateway(discord.GatewayConfig{
		Token: cfg.Discord.Token.Reveal(), APIURL: cfg.Discord.APIURL, GuildID: cfg.Discord.GuildID,
		AppID: cfg.Discord.ApplicationID, Interactions: s.core.Interactions,
		REST:    boardREST.Sibling(restClient()),
		OnFatal: s.opts.OnFatal, OpenTimeout: s.opts.GatewayOpenTimeout, Ctx: s.opts.Ctx, Log: log,
	}))
}

// named gives a respawned actor a fresh name: the old one may still be stopping.
func (s *Supervisor) named(base string) string {
	if s.gen <= 1 {
		return base
	}
	return fmt.Sprintf("%s-%d", base, s.gen)
}

func (s *Supervisor) spawn(c actor.Context, name string, p actor.Producer, opts ...actor.PropsOption) *actor.PID {
	pid, err := c.SpawnNamed(supervision.Props(s.opts.Log, p, opts...), name)
	if err != nil {
		s.opts.Log.Error("spawn actor", "actor", name, "err", err.Error())
	}
	return pid
}

// spawnInteractions starts the interactions actor, whose children (one per
// interaction) are stopped, never restarted, when they crash: a restarted child
// would acknowledge its interaction twice.
func (s *Supervisor) spawnInteractions(c actor.Context, rest *discord.REST) *actor.PID {
	cfg := s.opts.Config
	stopChild := actor.NewOneForOneStrategy(0, 0, func(any) actor.Directive { return actor.StopDirective })
	return s.spawn(c, s.named("interactions"), discord.NewInteractions(discord.InteractionsConfig{
		REST:   rest,
		Store:  s.core.Store,
		Admins: discord.Admins{Roles: cfg.Discord.AdminRoleIDs, Users: cfg.Discord.AdminUserIDs},
		Ctx:    s.opts.Ctx, Log: s.opts.Log,
	}), actor.WithSupervisor(stopChild))
}

// startService spawns a service's actors; when it cannot, the health board says
// so, instead of the service silently missing.
func (s *Supervisor) startService(c actor.Context, sc config.Service) {
	if err := s.spawnService(c, sc); err != nil {
		s.opts.Log.Error("service not started", "service", sc.Name, "kind", sc.Kind, "err", err.Error())
		now := time.Now()
		c.Send(s.core.Store, messages.Health{Service: sc.Name, Kind: sc.Kind,
			State: messages.HealthUnknown, Err: err.Error(), Since: now})
		// No poll will come either: the downloads board says why.
		c.Send(s.core.Store, messages.Snapshot{Service: sc.Name, Kind: sc.Kind, At: now, Err: err.Error()})
	}
}

func (s *Supervisor) spawnService(c actor.Context, sc config.Service) error {
	if sc.InsecureSkipVerify {
		s.opts.Log.Warn("TLS certificates are not verified for this service", "service", sc.Name)
	}
	poller, err := s.newClient(sc)
	if err != nil {
		return err
	}
	prober, err := s.newClient(sc)
	if err != nil {
		return err
	}
	s.svcGen++
	gen := fmt.Sprintf("-%d", s.svcGen)
	svc := s.spawn(c, "svc-"+sc.Name+gen, service.NewActor(service.ActorConfig{
		Name: sc.Name, Kind: sc.Kind, Client: poller, Interval: sc.Interval, Timeout: sc.Timeout,
		Store: s.core.Store, Ctx: s.opts.Ctx, Log: s.opts.Log,
	}))
	prb := s.spawn(c, "probe-"+sc.Name+gen, probe.New(probe.Config{
		Name: sc.Name, Kind: sc.Kind, Client: prober, Interval: sc.Interval, Timeout: sc.Timeout,
		Store: s.core.Store, Service: svc, Ctx: s.opts.Ctx, Log: s.opts.Log,
	}))
	s.services[sc.Name] = serviceActors{cfg: sc, service: svc, probe: prb}
	return nil
}

func (s *Supervisor) newClient(sc config.Service) (service.Client, error) {
	newHTTP, newClient := s.opts.HTTP, s.opts.NewClient
	if newHTTP == nil {
		newHTTP = func(sc config.Service) (*http.Client, error) {
			return service.NewHTTPClient(service.TLSOptions{CAFile: sc.CAFile, InsecureSkipVerify: sc.InsecureSkipVerify})
		}
	}
	if newClient == nil {
		newClient = service.New
	}
	httpc, err := newHTTP(sc)
	if err != nil {
		return nil, err
	}
	return newClient(service.Options{
		Name: sc.Name, Kind: sc.Kind, URL: sc.URL, APIKey: sc.APIKey.Reveal(), Username: sc.Username,
		Password: sc.Password.Reveal(), Timeout: sc.Timeout, IncludeUnknown: sc.IncludeUnknown,
		HTTP: httpc, Logger: s.opts.Log,
	})
}

func (s *Supervisor) servicesMessage() discord.Services {
	m := discord.Services{Pollers: map[string][]*actor.PID{}, Timeout: map[string]time.Duration{}}
	for _, name := range s.opts.Config.ServiceNames() {
		m.Names = append(m.Names, name)
		if sa, ok := s.services[name]; ok {
			m.Pollers[name] = []*actor.PID{sa.service, sa.probe}
			m.Timeout[name] = sa.cfg.Timeout
		}
	}
	return m
}

// restClient is the HTTP client of one Discord REST role.
func restClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 16
	return &http.Client{Timeout: 20 * time.Second, Transport: t}
}
