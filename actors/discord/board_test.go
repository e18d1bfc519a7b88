package discord_test

import (
	"context"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/bwmarrin/discordgo"

	"github.com/discarr/discarr/actors/discord"
	"github.com/discarr/discarr/actors/discord/discordtest"
	"github.com/discarr/discarr/actors/state"
	"github.com/discarr/discarr/actors/supervision"
	"github.com/discarr/discarr/messages"
)

// modelStore stands in for the store actor: it answers the boards' queries with the
// models a test sets, and counts the queries.
type modelStore struct {
	mu        sync.Mutex
	downloads messages.DownloadsBoard
	health    messages.HealthBoard
	queries   atomic.Int64
}

func (s *modelStore) set(d messages.DownloadsBoard, h messages.HealthBoard) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.downloads, s.health = d, h
}

func (s *modelStore) Receive(c actor.Context) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch c.Message().(type) {
	case messages.QueryDownloads:
		s.queries.Add(1)
		c.Respond(s.downloads)
	case messages.QueryHealth:
		s.queries.Add(1)
		c.Respond(s.health)
	}
}

// boardRig runs one board actor against the Discord emulator and a modelStore.
type boardRig struct {
	emu     *discordtest.Emulator
	rest    *discord.REST
	state   *state.File
	store   *modelStore
	system  *actor.ActorSystem
	logs    *syncBuffer
	channel string
	log     *slog.Logger
}

func newBoardRig(t *testing.T) *boardRig {
	t.Helper()
	emu := discordtest.Start(t, discordtest.Options{})
	u, err := url.Parse(emu.Info().APIURL)
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	st, err := state.Open(t.TempDir(), log)
	if err != nil {
		t.Fatal(err)
	}
	return &boardRig{emu: emu, rest: discord.NewREST(u, emu.Info().Token, nil, "test"), state: st,
		store: &modelStore{}, system: supervision.NewSystem(log), logs: logs,
		channel: emu.Info().ChannelID, log: log}
}

// seed posts the board of an earlier run, and saves its ID unless the state
// directory is to look lost.
func (r *boardRig) seed(t *testing.T, b discord.Board, title string, save bool) string {
	t.Helper()
	m, err := r.rest.CreateMessage(context.Background(), r.channel, discord.Payload{
		Embeds: []*discordgo.MessageEmbed{{Title: title, Description: "what the last run showed"}}})
	if err != nil {
		t.Fatal(err)
	}
	if save {
		if err := r.state.SetBoard(r.channel+"/"+string(b), m.ID); err != nil {
			t.Fatal(err)
		}
	}
	return m.ID
}

// start spawns the board actor, stopped when the test ends.
func (r *boardRig) start(t *testing.T, b discord.Board, firstAnswer time.Duration) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	store := r.system.Root.Spawn(actor.PropsFromProducer(func() actor.Actor { return r.store }))
	pid := r.system.Root.Spawn(actor.PropsFromProducer(discord.NewBoard(discord.BoardConfig{
		Board: b, Channel: r.channel, REST: r.rest, Store: store, State: r.state,
		Interval: 50 * time.Millisecond, FirstAnswer: firstAnswer, Ctx: ctx, Log: r.log})))
	t.Cleanup(func() {
		_ = r.system.Root.StopFuture(pid).Wait()
		cancel()
	})
}

// answered waits until the board actor took n more answers of the store: it asks
// again only once it has drawn (or held) the previous one.
func (r *boardRig) answered(t *testing.T, n int64) {
	t.Helper()
	target := r.store.queries.Load() + n + 1
	waitUntil(t, 10*time.Second, "the board to take the store's answers", func() bool {
		return r.store.queries.Load() >= target
	})
}

// writes returns the creates and edits of messages in the board channel.
func (r *boardRig) writes() []discordtest.Request {
	var out []discordtest.Request
	for _, q := range r.emu.Requests() {
		if (q.Method == "POST" || q.Method == "PATCH") &&
			strings.HasPrefix(q.Path, "/api/v10/channels/"+r.channel+"/messages") {
			out = append(out, q)
		}
	}
	return out
}

func (r *boardRig) description(t *testing.T, id string) string {
	t.Helper()
	m, ok := r.emu.Message(r.channel, id)
	if !ok || len(m.Embeds) == 0 {
		t.Fatalf("board %s is gone", id)
	}
	return m.Embeds[0].Description
}

// boardKinds are both boards with a model no service answered yet and one every
// service answered, and words only the answered board shows.
var boardKinds = []struct {
	board             discord.Board
	title             string
	waiting, answered func() (messages.DownloadsBoard, messages.HealthBoard)
	words             string
}{
	{discord.BoardDownloads, "Downloads",
		func() (messages.DownloadsBoard, messages.HealthBoard) { return pendingBoard(), messages.HealthBoard{} },
		func() (messages.DownloadsBoard, messages.HealthBoard) { return calmBoard(), messages.HealthBoard{} },
		"3 downloading"},
	{discord.BoardHealth, "Health",
		func() (messages.DownloadsBoard, messages.HealthBoard) {
			return messages.DownloadsBoard{}, pendingHealth()
		},
		func() (messages.DownloadsBoard, messages.HealthBoard) {
			return messages.DownloadsBoard{}, messages.HealthBoard{At: now, Services: healthBoard().Services[4:]}
		},
		"✅ 2 OK"},
}

// TestBoardFromTheLastRunKeepsItsContentUntilAServiceAnswers: after a restart, a
// board whose ID was saved, or that was found in the channel, is not edited while no
// service has answered; the first answer edits it in place.
func TestBoardFromTheLastRunKeepsItsContentUntilAServiceAnswers(t *testing.T) {
	t.Parallel()
	for _, k := range boardKinds {
		for _, saved := range []bool{true, false} {
			name := k.title + "/found in the channel"
			if saved {
				name = k.title + "/saved"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				r := newBoardRig(t)
				id := r.seed(t, k.board, k.title, saved)
				if !saved {
					// A slow search of the channel: the board redraws meanwhile.
					r.emu.Inject(discordtest.Fault{Kind: discordtest.FaultDelay, Delay: 300 * time.Millisecond,
						Route: discordtest.RouteMessageList})
				}
				before := len(r.writes())
				r.store.set(k.waiting())
				r.start(t, k.board, 0)
				key := r.channel + "/" + string(k.board)
				waitUntil(t, 10*time.Second, "the board to be known", func() bool { return r.state.Board(key) == id })
				r.answered(t, 4)
				if w := r.writes()[before:]; len(w) != 0 {
					t.Fatalf("the board was written while no service had answered: %+v", w)
				}

				r.store.set(k.answered())
				waitUntil(t, 10*time.Second, "the first answer on the board", func() bool {
					return strings.Contains(r.description(t, id), k.words)
				})
				for _, w := range r.writes()[before:] {
					if w.Method != "PATCH" || !strings.HasSuffix(w.Path, "/"+id) || strings.Contains(w.Body, "Waiting") {
						t.Errorf("after the restart %s %s: %s", w.Method, w.Path, w.Body)
					}
				}
				if n := len(r.emu.Messages(r.channel)); n != 1 {
					t.Errorf("channel holds %d messages, want the one board", n)
				}
				if got := r.state.Board(key); got != id {
					t.Errorf("saved board %q, want %q", got, id)
				}
			})
		}
	}
}

// TestNewBoardIsPostedAtOnceWhileServicesArePending: with no board yet there is
// nothing to keep, so the board is posted at once and says what it waits for.
func TestNewBoardIsPostedAtOnceWhileServicesArePending(t *testing.T) {
	t.Parallel()
	for _, k := range boardKinds {
		t.Run(k.title, func(t *testing.T) {
			t.Parallel()
			r := newBoardRig(t)
			r.store.set(k.waiting())
			r.start(t, k.board, 0)
			waitUntil(t, 10*time.Second, "the board", func() bool { return len(r.emu.Messages(r.channel)) == 1 })
			if d := r.emu.Messages(r.channel)[0].Embeds[0].Description; !strings.Contains(d, "waiting for the first answer") &&
				!strings.Contains(d, "Waiting for the first answer from qbit, radarr, sonarr") {
				t.Errorf("new board says %q", d)
			}
		})
	}
}

// TestBoardStopsWaitingForServicesThatNeverAnswer: services that neither answer nor
// fail cannot keep the last run's board forever; after FirstAnswer it says what it
// waits for.
func TestBoardStopsWaitingForServicesThatNeverAnswer(t *testing.T) {
	t.Parallel()
	r := newBoardRig(t)
	id := r.seed(t, discord.BoardDownloads, "Downloads", true)
	r.store.set(pendingBoard(), messages.HealthBoard{})
	r.start(t, discord.BoardDownloads, 200*time.Millisecond)
	waitUntil(t, 10*time.Second, "the wait on the board", func() bool {
		return strings.HasPrefix(r.description(t, id), "⏳ Waiting for the first answer from qbit, radarr, sonarr")
	})
	if n := len(r.emu.Messages(r.channel)); n != 1 {
		t.Errorf("channel holds %d messages, want the one board", n)
	}
}

// TestRefusedBoardChannelIsNamedOnce: a channel that does not exist is reported as
// such, naming the setting and the channel, and a missing permission as a missing
// permission; each once, however often the board redraws.
func TestRefusedBoardChannelIsNamedOnce(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		channel   string // empty: the emulator's board channel
		fault     int
		want      []string
		forbidden []string
	}{
		{"unknown channel", "1234567890123456789", 0,
			[]string{"level=ERROR", "does not exist", "discord.channel_id", "channel=1234567890123456789", "code=10003"},
			[]string{"Send Messages", "grant"}},
		{"missing permissions", "", 50013,
			[]string{"level=ERROR", "grant it View Channel", "Send Messages", "code=50013"},
			[]string{"does not exist"}},
		{"missing access", "", 50001,
			[]string{"level=ERROR", "grant it View Channel", "Send Messages", "code=50001"},
			[]string{"does not exist"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := newBoardRig(t)
			if tt.channel != "" {
				r.channel = tt.channel
			}
			if tt.fault != 0 {
				r.emu.Inject(discordtest.Fault{Kind: discordtest.FaultError, Code: tt.fault,
					Route: discordtest.RouteMessageCreate, Times: discordtest.Always})
			}
			r.store.set(calmBoard(), messages.HealthBoard{})
			r.start(t, discord.BoardDownloads, 0)
			refusals := func() []string {
				var out []string
				for _, line := range strings.Split(r.logs.String(), "\n") {
					if strings.Contains(line, "level=ERROR") && strings.Contains(line, "board=downloads") {
						out = append(out, line)
					}
				}
				return out
			}
			waitUntil(t, 10*time.Second, "the refusal in the log", func() bool { return len(refusals()) > 0 })
			r.answered(t, 5)
			lines := refusals()
			if len(lines) != 1 {
				t.Fatalf("%d lines report the refusal, want 1:\n%s", len(lines), strings.Join(lines, "\n"))
			}
			for _, w := range tt.want {
				if !strings.Contains(lines[0], w) {
					t.Errorf("log line lacks %q:\n%s", w, lines[0])
				}
			}
			for _, w := range tt.forbidden {
				if strings.Contains(lines[0], w) {
					t.Errorf("log line says %q:\n%s", w, lines[0])
				}
			}
		})
	}
}

// waitUntil polls cond until it holds or the deadline passes.
func waitUntil(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %s", d, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// syncBuffer collects log output for assertions.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
