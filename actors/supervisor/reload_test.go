package supervisor_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/discarr/discarr/actors/discord/discordtest"
	"github.com/discarr/discarr/actors/service/servicetest"
	"github.com/discarr/discarr/actors/supervisor"
	"github.com/discarr/discarr/config"
	"github.com/discarr/discarr/messages"
)

func TestReloadRestartsOnlyTheChangedService(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	s.start(t, s.config(t, ""))
	s.waitBoards(t)
	before := s.ask(t, s.root, supervisor.ServicesQuery{}).(map[string]supervisor.ServicePIDs)
	radarrBefore := s.ask(t, before["radarr"].Service, messages.ServiceStatus{}).(messages.ServiceState)

	// Sonarr moves to another address; nothing else changes.
	moved := servicetest.NewSonarr(servicetest.ArrOptions{APIKey: sonarrKey, World: s.world})
	s.urls["sonarr"] = servicetest.Serve(t, moved).URL
	res := s.ask(t, s.root, supervisor.Reload{Config: s.config(t, "")}).(supervisor.Reloaded)
	if len(res.Restarted) != 1 || res.Restarted[0] != "sonarr" || len(res.Started) != 0 ||
		len(res.Stopped) != 0 || res.Discord {
		t.Fatalf("reload did %+v, want only sonarr restarted", res)
	}

	after := s.ask(t, s.root, supervisor.ServicesQuery{}).(map[string]supervisor.ServicePIDs)
	if after["sonarr"].Service.Id == before["sonarr"].Service.Id {
		t.Errorf("sonarr's actor was not restarted")
	}
	for _, name := range []string{"radarr", "qbit"} {
		if after[name].Service.Id != before[name].Service.Id || after[name].Probe.Id != before[name].Probe.Id {
			t.Errorf("%s's actors were replaced by a reload that did not touch them", name)
		}
	}
	radarrAfter := s.ask(t, after["radarr"].Service, messages.ServiceStatus{}).(messages.ServiceState)
	if radarrAfter.Polls < radarrBefore.Polls {
		t.Errorf("radarr's poll counter went back from %d to %d", radarrBefore.Polls, radarrAfter.Polls)
	}
	waitFor(t, 20*time.Second, "the moved sonarr to be polled", func() bool {
		return moved.Requests("/api/v3/queue") > 0
	})
}

func TestReloadMovingTheChannelMovesTheBoards(t *testing.T) {
	t.Parallel()
	const moved = "1100000000000000201"
	// The usual stack, against an emulator whose guild has a second channel.
	s := newStackOn(t, discordtest.Start(t, discordtest.Options{SpecUndeclared: true, OtherChannelIDs: []string{moved}}))
	stop := s.start(t, s.config(t, ""))
	s.waitBoards(t)
	old := s.emu.Info().ChannelID
	// Reload once the board actors know their messages (a reload while the first
	// posts are in flight is TestReloadWhileBoardsArePosting).
	for _, m := range append(s.boards("Downloads"), s.boards("Health")...) {
		waitFor(t, 10*time.Second, "the board actor to hear of message "+m.ID, func() bool {
			return s.logHas(`msg="board posted"`, "message_id="+m.ID)
		})
	}
	before := s.ask(t, s.root, supervisor.ServicesQuery{}).(map[string]supervisor.ServicePIDs)

	next := movedConfig(t, s, old, moved)
	res := s.ask(t, s.root, supervisor.Reload{Config: next}).(supervisor.Reloaded)
	if !res.Discord || len(res.Started)+len(res.Stopped)+len(res.Restarted) != 0 {
		t.Fatalf("reload did %+v, want only the Discord actors rebuilt", res)
	}

	// The old boards are deleted; the new channel gets one board of each kind.
	var dl, health []discordtest.Message
	waitFor(t, 20*time.Second, "the boards to move", func() bool {
		dl, health = titled(s.emu, moved, "Downloads"), titled(s.emu, moved, "Health")
		return len(titled(s.emu, old, "Downloads"))+len(titled(s.emu, old, "Health")) == 0 &&
			len(dl) == 1 && len(health) == 1
	})

	after := s.ask(t, s.root, supervisor.ServicesQuery{}).(map[string]supervisor.ServicePIDs)
	for name, pids := range before {
		if after[name].Service.Id != pids.Service.Id || after[name].Probe.Id != pids.Probe.Id {
			t.Errorf("%s's actors were replaced by a reload that only moved the boards", name)
		}
	}

	// The state directory names the new boards, and only them.
	want := map[string]string{moved + "/dl": dl[0].ID, moved + "/health": health[0].ID}
	waitFor(t, 10*time.Second, "the state file to name the moved boards", func() bool {
		return maps.Equal(savedBoards(t, next.StateDir), want)
	})

	// So a restart edits them in place: it neither posts nor looks for them.
	stop()
	seen := len(s.emu.Requests())
	s.start(t, next)
	waitFor(t, 20*time.Second, "the restarted boards to be edited", func() bool {
		d, h := titled(s.emu, moved, "Downloads"), titled(s.emu, moved, "Health")
		return len(d) == 1 && len(h) == 1 && d[0].Edits > dl[0].Edits && h[0].Edits > health[0].Edits
	})
	channel := "/channels/" + moved + "/messages"
	for _, r := range s.emu.Requests()[seen:] {
		if strings.HasSuffix(r.Path, channel) {
			t.Errorf("after the restart discarr sent %s %s?%s: the saved boards were not used",
				r.Method, r.Path, r.Query)
		}
	}
	if d, h := titled(s.emu, moved, "Downloads"), titled(s.emu, moved, "Health"); len(d) != 1 ||
		len(h) != 1 || d[0].ID != dl[0].ID || h[0].ID != health[0].ID {
		t.Errorf("after the restart the channel holds %d downloads and %d health boards, want the saved ones",
			len(d), len(h))
	}
	assertNoViolations(t, s.emu)
}

// movedConfig loads the stack's configuration file again, with the boards in channel to.
func movedConfig(t *testing.T, s *stack, from, to string) *config.Config {
	t.Helper()
	path := filepath.Join(s.dir, "discarr.yaml")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	line := fmt.Sprintf("channel_id: %q", from)
	if !strings.Contains(string(raw), line) {
		t.Fatalf("the configuration has no %s", line)
	}
	raw = []byte(strings.Replace(string(raw), line, fmt.Sprintf("channel_id: %q", to), 1))
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(config.LoadOptions{Path: path, Environ: []string{}})
	if err != nil {
		t.Fatalf("load the moved configuration: %v", err)
	}
	if cfg.Discord.ChannelID != to {
		t.Fatalf("the moved configuration names channel %s, want %s", cfg.Discord.ChannelID, to)
	}
	return cfg
}

// titled returns the public messages of a channel whose first embed has the title.
func titled(emu *discordtest.Emulator, channel, title string) []discordtest.Message {
	var out []discordtest.Message
	for _, m := range emu.Messages(channel) {
		if len(m.Embeds) > 0 && m.Embeds[0].Title == title {
			out = append(out, m)
		}
	}
	return out
}

// savedBoards reads the board message IDs from the state directory's file.
func savedBoards(t *testing.T, dir string) map[string]string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, "state.json"))
	if err != nil {
		return nil // not written yet
	}
	var st struct {
		Boards map[string]string `json:"boards"`
	}
	if err := json.Unmarshal(raw, &st); err != nil {
		t.Fatalf("decode the state file: %v", err)
	}
	return st.Boards
}

// logHas reports whether one log line holds every one of words.
func (s *stack) logHas(words ...string) bool {
	for _, l := range strings.Split(s.logs.String(), "\n") {
		if containsAll(l, words) {
			return true
		}
	}
	return false
}

// TestReloadWhileBoardsArePosting moves the channel while both boards' first posts
// are still on their way to Discord: once Discord answers them, those messages are
// deleted too, and the state file names only the boards in the new channel.
func TestReloadWhileBoardsArePosting(t *testing.T) {
	t.Parallel()
	const moved = "1100000000000000202"
	s := newStackOn(t, discordtest.Start(t, discordtest.Options{SpecUndeclared: true, OtherChannelIDs: []string{moved}}))
	old := s.emu.Info().ChannelID
	slow := s.emu.Inject(discordtest.Fault{Kind: discordtest.FaultDelay, Delay: 2 * time.Second,
		Route: discordtest.RouteMessageCreate, Times: 2})
	s.start(t, s.config(t, ""))
	waitFor(t, 20*time.Second, "both boards' first posts to be under way", func() bool {
		return s.emu.Fired(slow) == 2
	})
	next := movedConfig(t, s, old, moved)
	if res := s.ask(t, s.root, supervisor.Reload{Config: next}).(supervisor.Reloaded); !res.Discord {
		t.Fatalf("reload did %+v, want the Discord actors rebuilt", res)
	}

	var dl, health []discordtest.Message
	waitFor(t, 30*time.Second, "the late posts to be deleted and the boards to move", func() bool {
		deleted := 0
		for _, r := range s.emu.Requests() {
			if r.Method == "DELETE" && strings.HasPrefix(r.Path, "/api/v10/channels/"+old+"/messages/") && r.Status == 204 {
				deleted++
			}
		}
		dl, health = titled(s.emu, moved, "Downloads"), titled(s.emu, moved, "Health")
		return deleted == 2 && len(s.emu.Messages(old)) == 0 && len(dl) == 1 && len(health) == 1
	})
	want := map[string]string{moved + "/dl": dl[0].ID, moved + "/health": health[0].ID}
	waitFor(t, 10*time.Second, "the state file to name only the moved boards", func() bool {
		return maps.Equal(savedBoards(t, next.StateDir), want)
	})
	assertNoViolations(t, s.emu)
}
