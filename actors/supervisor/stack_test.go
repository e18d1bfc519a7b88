package supervisor_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/discarr/discarr/actors/discord/discordtest"
	"github.com/discarr/discarr/actors/service/servicetest"
	"github.com/discarr/discarr/actors/state"
	"github.com/discarr/discarr/actors/supervision"
	"github.com/discarr/discarr/actors/supervisor"
	"github.com/discarr/discarr/config"
)

// stack is discarr's whole actor tree running in the test process against the
// Discord emulator and simulated services.
type stack struct {
	emu    *discordtest.Emulator
	world  *servicetest.World
	sonarr *servicetest.Arr
	radarr *servicetest.Arr
	qbit   *servicetest.QBittorrent
	urls   map[string]string
	dir    string
	logs   *logBuffer
	system *actor.ActorSystem
	root   *actor.PID
}

const (
	sonarrKey = "sonarr-secret-key-0001"
	radarrKey = "radarr-secret-key-0002"
	qbitPass  = "qbit-secret-pass-0003"
)

func newStack(t *testing.T) *stack {
	t.Helper()
	return newStackOn(t, discordtest.Start(t, discordtest.Options{SpecUndeclared: true}))
}

// newStackOn is newStack against the emulator emu.
func newStackOn(t *testing.T, emu *discordtest.Emulator) *stack {
	t.Helper()
	world := servicetest.NewWorld(servicetest.WorldOptions{Seed: 7, TV: 4, Movies: 3, Torrents: 2})
	s := &stack{emu: emu, world: world, dir: t.TempDir(), logs: &logBuffer{},
		sonarr: servicetest.NewSonarr(servicetest.ArrOptions{APIKey: sonarrKey, World: world}),
		radarr: servicetest.NewRadarr(servicetest.ArrOptions{APIKey: radarrKey, URLBase: "/radarr", World: world}),
		qbit:   servicetest.NewQBittorrent(servicetest.QBOptions{Username: "admin", Password: qbitPass, World: world}),
	}
	s.urls = map[string]string{
		"sonarr": servicetest.Serve(t, s.sonarr).URL,
		"radarr": servicetest.Serve(t, s.radarr).URL + "/radarr",
		"qbit":   servicetest.Serve(t, s.qbit).URL,
	}
	return s
}

// config writes a configuration for the stack and loads it through the real loader.
func (s *stack) config(t *testing.T, extra string) *config.Config {
	t.Helper()
	info := s.emu.Info()
	yaml := fmt.Sprintf(`
discord:
  token: %q
  guild_id: %q
  channel_id: %q
  admin_role_ids: [%q]
  api_url: %q
  board_refresh: 2s
services:
  sonarr: { kind: sonarr, url: %q, api_key: %q, interval: 5s, timeout: 2s }
  radarr: { kind: radarr, url: %q, api_key: %q, interval: 5s, timeout: 2s }
  qbit: { kind: qbittorrent, url: %q, username: admin, password: %q, interval: 5s, timeout: 2s }
state_dir: %q
%s`, info.Token, info.GuildID, info.ChannelID, s.emu.Options().AdminRoleID, info.APIURL,
		s.urls["sonarr"], sonarrKey, s.urls["radarr"], radarrKey, s.urls["qbit"], qbitPass,
		filepath.Join(s.dir, "state"), extra)
	path := filepath.Join(s.dir, "discarr.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(config.LoadOptions{Path: path, Environ: []string{}})
	if err != nil {
		t.Fatalf("load config: %v", err)
	}
	return cfg
}

// start runs the actor tree until the returned stop is called (or the test ends).
func (s *stack) start(t *testing.T, cfg *config.Config) (stop func()) {
	t.Helper()
	log := slog.New(slog.NewTextHandler(s.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	st, err := state.Open(cfg.StateDir, log)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	system := supervision.NewSystem(log)
	root, _ := supervisor.Start(system, supervisor.Options{Config: cfg, State: st, Log: log,
		Version: "test", Ctx: ctx, OnFatal: func(err error) { t.Errorf("fatal: %v", err) }})
	s.system, s.root = system, root
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			_ = system.Root.StopFuture(root).Wait()
		})
	}
	t.Cleanup(stop)
	return stop
}

// boards returns the public messages whose first embed has the given title.
func (s *stack) boards(title string) []discordtest.Message {
	var out []discordtest.Message
	for _, m := range s.emu.Messages(s.emu.Info().ChannelID) {
		if len(m.Embeds) > 0 && m.Embeds[0].Title == title {
			out = append(out, m)
		}
	}
	return out
}

// waitBoards waits until the channel holds exactly one board of each kind.
func (s *stack) waitBoards(t *testing.T) {
	t.Helper()
	waitFor(t, 20*time.Second, "both boards", func() bool {
		return len(s.boards("Downloads")) == 1 && len(s.boards("Health")) == 1
	})
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %s", d, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// logBuffer collects log output for assertions.
type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func callbackType(r discordtest.InteractResult) int {
	if r.CallbackType == nil {
		return 0
	}
	return *r.CallbackType
}

func responseFlags(t *testing.T, r discordtest.InteractResult) int {
	t.Helper()
	var body struct {
		Data struct {
			Flags int `json:"flags"`
		} `json:"data"`
	}
	if err := json.Unmarshal(r.Response, &body); err != nil {
		t.Fatalf("decode response %s: %v", r.Response, err)
	}
	return body.Data.Flags
}

// ask sends msg to pid and waits for the answer.
func (s *stack) ask(t *testing.T, pid *actor.PID, msg any) any {
	t.Helper()
	res, err := s.system.Root.RequestFuture(pid, msg, 5*time.Second).Result()
	if err != nil {
		t.Fatalf("ask %T: %v", msg, err)
	}
	return res
}
