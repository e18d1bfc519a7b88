package discordtest_test

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/discarr/discarr/actors/discord/discordtest"
)

func TestRealSessionGetsReadyAndHeartbeatAcks(t *testing.T) {
	t.Parallel()
	e := discordtest.Start(t, discordtest.Options{HeartbeatInterval: 20 * time.Millisecond})
	s := session(t, e)
	// discordgo's state goroutine keeps mutating the events, so copy what is checked.
	type seen struct {
		userID, sessionID, guildID, name string
		bot                              bool
		guilds, channels, roles          int
	}
	ready := make(chan seen, 1)
	guild := make(chan seen, 1)
	s.AddHandler(func(_ *discordgo.Session, r *discordgo.Ready) {
		v := seen{userID: r.User.ID, bot: r.User.Bot, sessionID: r.SessionID, guilds: len(r.Guilds)}
		if len(r.Guilds) > 0 {
			v.guildID = r.Guilds[0].ID
		}
		ready <- v
	})
	s.AddHandler(func(_ *discordgo.Session, g *discordgo.GuildCreate) {
		v := seen{name: g.Name, channels: len(g.Channels), roles: len(g.Roles)}
		if len(g.Channels) > 0 {
			v.guildID = g.Channels[0].ID
		}
		guild <- v
	})
	open(t, e, s)

	r := <-ready
	info := e.Info()
	if r.userID != e.Options().BotUserID || !r.bot || r.sessionID == "" {
		t.Errorf("READY %+v", r)
	}
	if r.guilds != 1 || r.guildID != info.GuildID {
		t.Errorf("READY guilds %+v", r)
	}
	g := <-guild
	if g.name == "" || g.channels != 1 || g.guildID != info.ChannelID || g.roles < 2 {
		t.Errorf("GUILD_CREATE %+v", g)
	}
	waitUntil(t, "two heartbeat acks", func() bool {
		acks := 0
		for _, f := range e.Frames() {
			if f.Direction == "out" && f.Op == 11 {
				acks++
			}
		}
		return acks >= 2
	})
	s.RLock()
	lastAck := s.LastHeartbeatAck
	s.RUnlock()
	if lastAck.IsZero() {
		t.Errorf("session never saw an ACK")
	}
}

func TestWrongTokenClosesWith4004(t *testing.T) {
	t.Parallel()
	e := discordtest.Start(t, discordtest.Options{})
	s := session(t, e)
	s.Token = "Bot wrong"
	s.Identify.Token = ""
	err := s.Open()
	if err == nil {
		_ = s.Close()
		t.Fatal("Open with a wrong token succeeded")
	}
	waitUntil(t, "close 4004", func() bool {
		for _, f := range e.Frames() {
			if f.CloseCode == 4004 {
				return true
			}
		}
		return false
	})
	if e.Connected() {
		t.Error("emulator counts a rejected session as connected")
	}
}

func TestResumeReplaysMissedDispatches(t *testing.T) {
	t.Parallel()
	e := discordtest.Start(t, discordtest.Options{})
	s := session(t, e)
	// The bot reconnects by itself, as discarr does: discordgo's own reconnect loop
	// races on the Session's connection.
	var deletes, resumed, gone atomic.Int32
	s.AddHandler(func(_ *discordgo.Session, _ *discordgo.MessageDelete) { deletes.Add(1) })
	s.AddHandler(func(_ *discordgo.Session, _ *discordgo.Resumed) { resumed.Add(1) })
	s.AddHandler(func(_ *discordgo.Session, _ *discordgo.Disconnect) { gone.Add(1) })
	open(t, e, s)

	var msg struct{ ID string }
	api(t, e, "POST", "/api/v9/channels/"+e.Info().ChannelID+"/messages", bot(e),
		map[string]any{"content": "board"}, &msg)
	e.DropSessions()
	waitUntil(t, "the drop to be noticed", func() bool { return gone.Load() > 0 })
	// Deleted while the bot is away: only the resume's replay can tell it.
	if err := e.DeleteMessage(e.Info().ChannelID, msg.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.Open(); err != nil {
		t.Fatalf("open again: %v", err)
	}
	waitUntil(t, "RESUMED and the replayed MESSAGE_DELETE", func() bool {
		return resumed.Load() > 0 && deletes.Load() == 1
	})
}

func TestUnknownSessionResumeIsInvalid(t *testing.T) {
	t.Parallel()
	e := discordtest.Start(t, discordtest.Options{})
	c := dial(t, e)
	hello := c.read(t)
	if hello["op"].(float64) != 10 {
		t.Fatalf("first frame %v", hello)
	}
	c.send(t, map[string]any{"op": 6, "d": map[string]any{"token": e.Info().Token, "session_id": "nope", "seq": 3}})
	if f := c.read(t); f["op"].(float64) != 9 || f["d"] != false {
		t.Fatalf("RESUME of an unknown session answered %v", f)
	}
}
