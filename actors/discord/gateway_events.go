package discord

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/gorilla/websocket"
)

// ErrTokenRefused says Discord does not accept the bot token.
var ErrTokenRefused = errors.New("discord refused the bot token: check discord.token " +
	"(Developer Portal → your application → Bot → Reset Token)")

// fatalClose reports close codes after which Discord will never accept the session.
func fatalClose(code int) bool {
	return code == 4004 || (code >= 4010 && code <= 4014)
}

// closeReason says what a fatal close code other than 4004 means for discarr.
func closeReason(code int) string {
	switch code {
	case 4010, 4011:
		return "Discord wants this bot sharded (it is in too many servers), which discarr does not do"
	case 4012:
		return "Discord no longer accepts the gateway version discarr speaks; upgrade discarr"
	case 4013:
		return "Discord calls the gateway intents discarr asks for (GUILDS, GUILD_MESSAGES) invalid; upgrade discarr"
	}
	return "the bot may not use the gateway intents discarr asks for (GUILDS, GUILD_MESSAGES): " +
		"check Developer Portal → your application → Bot → Privileged Gateway Intents"
}

func (g *Gateway) fatal(c actor.Context, ce *websocket.CloseError) {
	g.close()
	err := fmt.Errorf("gateway closed with %d", ce.Code)
	if ce.Text != "" {
		err = fmt.Errorf("%w %s", err, ce.Text)
	}
	if ce.Code == 4004 {
		ctx, cancel := context.WithTimeout(g.cfg.Ctx, 10*time.Second)
		_, meErr := g.cfg.REST.Me(ctx)
		cancel()
		var api *APIError
		if errors.As(meErr, &api) && api.Status == http.StatusUnauthorized {
			err = ErrTokenRefused
		}
	} else {
		err = fmt.Errorf("%w: %s", err, closeReason(ce.Code))
	}
	g.cfg.Log.Error("discord will not accept this bot", "err", err.Error())
	if g.cfg.OnFatal != nil {
		g.cfg.OnFatal(err)
	}
}

func (g *Gateway) onReady(c actor.Context, m readyEvent) {
	if !g.live(m.attempt) {
		return
	}
	if g.cfg.AppID == "" {
		g.cfg.AppID = m.appID
	}
	name := ""
	if m.user != nil {
		name = m.user.Username
	}
	if !g.ready {
		g.cfg.Log.Info("connected to discord", "bot", name, "application_id", g.cfg.AppID)
	}
	g.ready, g.botName = true, name
	g.setUp(c, true)
	if g.commands {
		return
	}
	self, system, cfg := c.Self(), c.ActorSystem(), g.cfg
	go func() {
		ctx, cancel := context.WithTimeout(cfg.Ctx, 30*time.Second)
		defer cancel()
		_, err := cfg.REST.OverwriteCommands(ctx, cfg.AppID, cfg.GuildID, Commands())
		system.Root.Send(self, commandsDone{err: err})
	}()
	g.commands = true
}

func (g *Gateway) commandsDone(m commandsDone) {
	if m.err != nil {
		g.commands = false
		g.cfg.Log.Error("register slash commands", "guild", g.cfg.GuildID, "err", m.err.Error())
		return
	}
	g.cfg.Log.Info("slash commands registered", "guild", g.cfg.GuildID)
}
