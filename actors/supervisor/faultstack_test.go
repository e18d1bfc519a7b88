package supervisor_test

import (
	"context"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/discarr/discarr/actors/discord/discordtest"
	"github.com/discarr/discarr/actors/service/servicetest"
	"github.com/discarr/discarr/actors/state"
	"github.com/discarr/discarr/actors/supervision"
	"github.com/discarr/discarr/actors/supervisor"
	"github.com/discarr/discarr/config"
)

// settle is how long a fault test waits for the boards to catch up: several probe
// intervals, so a slow machine does not fail the test.
const settle = 40 * time.Second

// startWith runs the actor tree like start, with hook changing the supervisor's
// Options first (nil changes nothing).
func (s *stack) startWith(t *testing.T, cfg *config.Config, hook func(*supervisor.Options)) {
	t.Helper()
	log := slog.New(slog.NewTextHandler(s.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	st, err := state.Open(cfg.StateDir, log)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	system := supervision.NewSystem(log)
	opts := supervisor.Options{Config: cfg, State: st, Log: log, Version: "test", Ctx: ctx,
		OnFatal: func(err error) { t.Errorf("fatal: %v", err) }}
	if hook != nil {
		hook(&opts)
	}
	root, _ := supervisor.Start(system, opts)
	s.system, s.root = system, root
	t.Cleanup(func() {
		cancel()
		_ = system.Root.StopFuture(root).Wait()
	})
}

// configWithCA writes the stack's configuration with Sonarr trusting the PEM file
// caFile, and loads it through the real loader.
func (s *stack) configWithCA(t *testing.T, caFile string) *config.Config {
	t.Helper()
	s.config(t, "")
	path := filepath.Join(s.dir, "discarr.yaml")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(raw), "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "  sonarr: {") {
			lines[i] = strings.TrimSuffix(l, " }") + fmt.Sprintf(", ca_file: %q }", caFile)
		}
	}
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(config.LoadOptions{Path: path, Environ: []string{}})
	if err != nil {
		t.Fatalf("load config with ca_file: %v", err)
	}
	return cfg
}

// writeCert writes the server's certificate as a PEM file and returns its path.
func writeCert(t *testing.T, f *faultServer) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "sonarr-ca.pem")
	block := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: f.Certificate().Raw})
	if err := os.WriteFile(path, block, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// plain is text as Discord shows it: without the backslashes that escape markdown.
func plain(s string) string { return strings.ReplaceAll(s, `\`, "") }

// healthOf returns the health board's field of a service, as plain text.
func (s *stack) healthOf(service string) string {
	hs := s.boards("Health")
	if len(hs) != 1 {
		return ""
	}
	for _, f := range hs[0].Embeds[0].Fields {
		if strings.Contains(f.Name, " "+service+" (") {
			return plain(f.Name + "\n" + f.Value)
		}
	}
	return ""
}

// downloadsText returns the downloads board as plain text.
func (s *stack) downloadsText() string {
	ds := s.boards("Downloads")
	if len(ds) != 1 {
		return ""
	}
	return plain(embedsText(ds[0].Embeds))
}

func embedsText(es []*discordgo.MessageEmbed) string {
	var b strings.Builder
	for _, e := range es {
		b.WriteString(e.Title + "\n" + e.Description + "\n")
		for _, f := range e.Fields {
			b.WriteString(f.Name + "\n" + f.Value + "\n")
		}
	}
	return b.String()
}

// isOK reports whether a health field says the service is OK.
func isOK(field string) bool {
	return strings.HasPrefix(field, "✅") && strings.Contains(field, "**OK**")
}

// containsAll reports whether text holds every word.
func containsAll(text string, words []string) bool {
	for _, w := range words {
		if !strings.Contains(text, w) {
			return false
		}
	}
	return true
}

// steadyTitles are downloads Radarr and qBittorrent keep for the whole test: stalled
// and metadata movies never finish, and the untracked torrents only seed.
func steadyTitles(w *servicetest.World) []string {
	var out []string
	for _, d := range w.Downloads() {
		switch {
		case d.Kind == servicetest.KindMovie &&
			(d.Behavior == servicetest.BehaviorStall || d.Behavior == servicetest.BehaviorMetadata):
			out = append(out, d.Movie)
		case d.Kind == servicetest.KindOther:
			out = append(out, d.Title)
		}
	}
	return out
}

// sonarrTitle is a title only Sonarr gives (a series name with its season), of a
// download that stays queued for the whole test.
func sonarrTitle(t *testing.T, w *servicetest.World) string {
	t.Helper()
	for _, d := range w.Downloads() {
		if d.Kind == servicetest.KindTV && d.Behavior == servicetest.BehaviorQueued {
			return fmt.Sprintf("%s S%02d", d.Series, d.Season)
		}
	}
	t.Fatal("the world has no queued TV download")
	return ""
}

// othersStayUp checks that Radarr and qBittorrent are OK on the health board and
// that their downloads are on the downloads board, with no trouble reported for them.
func (s *stack) othersStayUp(t *testing.T) {
	t.Helper()
	titles := steadyTitles(s.world)
	waitFor(t, settle, "radarr and qbit OK, their downloads on the board", func() bool {
		text := s.downloadsText()
		return isOK(s.healthOf("radarr")) && isOK(s.healthOf("qbit")) &&
			containsAll(text, titles) &&
			!strings.Contains(text, "radarr —") && !strings.Contains(text, "qbit —")
	})
}

// commandsAnswered checks that /downloads and /health are acknowledged with a message
// at once, and that /health names the problem in words.
func (s *stack) commandsAnswered(t *testing.T, words []string) {
	t.Helper()
	waitFor(t, settle, "the bot to connect and register commands", func() bool {
		return s.emu.Connected() && len(s.emu.Commands()) == 3
	})
	for _, req := range []discordtest.InteractRequest{
		{Command: "downloads"},
		{Command: "health"},
		{Command: "health", Options: map[string]any{"service": "sonarr"}},
	} {
		res, err := s.emu.Interact(context.Background(), req)
		if err != nil {
			t.Fatalf("/%s %v: %v", req.Command, req.Options, err)
		}
		if res.ErrorCode != nil || res.AckedAt == nil || callbackType(res) != 4 {
			t.Fatalf("/%s %v: callback type %d, error code %v; want 4 in time, no error",
				req.Command, req.Options, callbackType(res), res.ErrorCode)
		}
		if req.Command != "health" {
			continue
		}
		if text := responseText(t, res); !containsAll(text, words) {
			t.Errorf("/health %v does not say %q:\n%s", req.Options, words, text)
		}
	}
}

// responseText is the text of an interaction's message answer, as plain text.
func responseText(t *testing.T, r discordtest.InteractResult) string {
	t.Helper()
	var body struct {
		Data struct {
			Content string                    `json:"content"`
			Embeds  []*discordgo.MessageEmbed `json:"embeds"`
		} `json:"data"`
	}
	if err := json.Unmarshal(r.Response, &body); err != nil {
		t.Fatalf("decode response %s: %v", r.Response, err)
	}
	return plain(body.Data.Content + "\n" + embedsText(body.Data.Embeds))
}

// waitForText polls get until ok accepts its text or the deadline passes, and then
// shows the last text it saw.
func waitForText(t *testing.T, d time.Duration, what string, get func() string, ok func(string) bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		text := get()
		if ok(text) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %s; last saw:\n%s", d, what, text)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// holdFor fails the test if cond stops holding at any check within d.
func holdFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(d); time.Now().Before(deadline); {
		if !cond() {
			t.Fatalf("%s stopped holding", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
