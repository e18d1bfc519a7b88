package supervisor

import (
	"slices"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/discarr/discarr/actors/discord"
	"github.com/discarr/discarr/actors/metrics"
	"github.com/discarr/discarr/config"
	"github.com/discarr/discarr/messages"
)

// Reload asks the supervisor to apply a new configuration, already validated. It
// answers with a Reloaded.
type Reload struct{ Config *config.Config }

// Reloaded says what a reload changed.
type Reloaded struct {
	Started, Stopped, Restarted []string // service names
	Discord                     bool     // the boards, interactions and gateway were rebuilt
}

// ServicesQuery asks the supervisor for the actors of every service; it answers
// map[string]ServicePIDs.
type ServicesQuery struct{}

// ServicePIDs are the two actors of one service.
type ServicePIDs struct{ Service, Probe *actor.PID }

// CoreQuery asks the supervisor for the core actors as they are now; it answers Core.
type CoreQuery struct{}

// reload stops the actors of removed services, restarts those whose configuration
// changed, starts new ones, and rebuilds the Discord actors only when the discord
// section changed. Untouched services keep their actors, polls and counters.
func (s *Supervisor) reload(c actor.Context, next *config.Config) Reloaded {
	prev := s.opts.Config
	s.opts.Config = next
	var r Reloaded

	for _, name := range prev.ServiceNames() {
		sa, ok := s.services[name]
		nc, still := next.Services[name]
		switch {
		case !still:
			r.Stopped = append(r.Stopped, name)
		case !nc.Equal(prev.Services[name]):
			r.Restarted = append(r.Restarted, name)
		default:
			continue
		}
		metrics.ForgetService(name)
		if ok {
			c.Stop(sa.service)
			c.Stop(sa.probe)
			delete(s.services, name)
		}
	}
	kinds := map[string]string{}
	for name, sc := range next.Services {
		kinds[name] = sc.Kind
	}
	c.Send(s.core.Store, messages.ServicesChanged{Services: kinds})
	for _, name := range next.ServiceNames() {
		if _, running := s.services[name]; running {
			continue
		}
		if _, existed := prev.Services[name]; !existed {
			r.Started = append(r.Started, name)
		}
		s.startService(c, next.Services[name])
	}

	if discordChanged(prev.Discord, next.Discord) {
		r.Discord = true
		s.retireDiscord(c, prev.Discord.ChannelID != next.Discord.ChannelID)
		s.spawnDiscord(c, next)
	} else {
		c.Send(s.core.Interactions, s.servicesMessage())
	}
	s.opts.Log.Info("configuration reloaded", "started", r.Started, "stopped", r.Stopped,
		"restarted", r.Restarted, "discord_rebuilt", r.Discord)
	return r
}

// retireDiscord stops the Discord actors; when the channel moved, the old boards
// are deleted, so that they do not linger with stale content.
func (s *Supervisor) retireDiscord(c actor.Context, moved bool) {
	for _, b := range s.boards {
		if moved {
			c.Send(b, discord.Retire{})
		} else {
			c.Stop(b)
		}
	}
	c.Stop(s.core.Interactions)
	c.Stop(s.core.Gateway)
}

func discordChanged(a, b config.Discord) bool {
	return a.Token != b.Token || a.APIURL.String() != b.APIURL.String() || a.GuildID != b.GuildID ||
		a.ChannelID != b.ChannelID || a.ApplicationID != b.ApplicationID ||
		a.BoardRefresh != b.BoardRefresh || !slices.Equal(a.AdminRoleIDs, b.AdminRoleIDs) ||
		!slices.Equal(a.AdminUserIDs, b.AdminUserIDs)
}

func (s *Supervisor) servicePIDs() map[string]ServicePIDs {
	out := make(map[string]ServicePIDs, len(s.services))
	for name, sa := range s.services {
		out[name] = ServicePIDs{Service: sa.service, Probe: sa.probe}
	}
	return out
}
