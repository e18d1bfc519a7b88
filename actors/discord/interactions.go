package discord

import (
	"context"
	"log/slog"
	"slices"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/bwmarrin/discordgo"

	"github.com/discarr/discarr/actors/supervision"
	"github.com/discarr/discarr/messages"
)

// InteractionsConfig configures the interactions actor.
type InteractionsConfig struct {
	REST   *REST // its own client: callbacks never queue behind board edits
	Store  *actor.PID
	Admins Admins
	Ctx    context.Context
	Log    *slog.Logger
}

// Services tells the interactions actor which service and probe actors exist, for
// /refresh and autocomplete. The supervisor sends it at start and on every reload.
type Services struct {
	Names []string // sorted
	// Pollers are the service and probe actors of each service.
	Pollers map[string][]*actor.PID
	Timeout map[string]time.Duration
}

// Admins says who may use admin actions: listed users, members with a listed role,
// and, when neither list is set, members with the Manage Server or Administrator
// permission.
type Admins struct {
	Roles, Users []string
}

// Allows reports whether the member behind an interaction is an admin.
func (a Admins) Allows(i *discordgo.Interaction) bool {
	user := interactionUser(i)
	if user != nil && slices.Contains(a.Users, user.ID) {
		return true
	}
	if i.Member == nil {
		return false
	}
	for _, r := range i.Member.Roles {
		if slices.Contains(a.Roles, r) {
			return true
		}
	}
	if len(a.Roles) == 0 && len(a.Users) == 0 {
		const manage = discordgo.PermissionManageServer | discordgo.PermissionAdministrator
		return i.Member.Permissions&manage != 0
	}
	return false
}

func interactionUser(i *discordgo.Interaction) *discordgo.User {
	if i.Member != nil && i.Member.User != nil {
		return i.Member.User
	}
	return i.User
}

// Interactions is the interactions actor. It hands every interaction to a
// short-lived child of its own, so its mailbox never waits on I/O and one slow
// callback delays nobody else's. A delivery it has seen already is dropped: Discord
// may deliver an interaction twice across a resume, and only one ack is allowed.
type Interactions struct {
	cfg      InteractionsConfig
	services Services
	seen     map[string]time.Time
}

// NewInteractions returns the producer of the interactions actor.
func NewInteractions(cfg InteractionsConfig) actor.Producer {
	return func() actor.Actor {
		return &Interactions{cfg: cfg, seen: map[string]time.Time{}}
	}
}

// Interaction carries one gateway INTERACTION_CREATE to the interactions actor,
// stamped with the time it arrived.
type Interaction struct {
	*discordgo.Interaction
	Received time.Time
}

// Receive handles the interactions actor's messages.
func (a *Interactions) Receive(c actor.Context) {
	switch m := c.Message().(type) {
	case Interaction:
		// A person used a command, a button or a menu: hand it to a child.
		a.dispatch(c, m)
	case Services:
		// The set of services changed.
		a.services = m
	case messages.Ping:
		// The watchdog checks that we answer.
		c.Respond(messages.Pong{})
	}
}

func (a *Interactions) dispatch(c actor.Context, m Interaction) {
	if m.Interaction == nil || m.ID == "" {
		return
	}
	if _, dup := a.seen[m.ID]; dup {
		a.cfg.Log.Debug("dropping a repeated interaction delivery", "interaction", m.ID)
		return
	}
	a.remember(m.ID, m.Received)

	h := &handler{cfg: a.cfg, services: a.services, in: m}
	c.Spawn(supervision.Props(a.cfg.Log, func() actor.Actor { return h }))
}

// remember keeps interaction IDs for 15 minutes, the life of an interaction token.
func (a *Interactions) remember(id string, at time.Time) {
	a.seen[id] = at
	if len(a.seen) < 1024 {
		return
	}
	for k, t := range a.seen {
		if at.Sub(t) > 15*time.Minute {
			delete(a.seen, k)
		}
	}
}
