package main

import (
	"os"
	"strings"
	"syscall"
	"testing"
)

// TestReloadToAChannelDiscordRefusesKeepsTheBoards sends SIGHUP after the boards'
// channel was changed to one that does not exist, and after state_dir and
// metrics.listen changed: the reload is refused before anything is deleted, naming
// the failing check, the boards stay, and the restart-only keys are named.
func TestReloadToAChannelDiscordRefusesKeepsTheBoards(t *testing.T) {
	t.Parallel()
	s := newTestStack(t)
	cfg := s.cfg
	cfg.extra = "log: { format: text }\n"
	path := cfg.write(t)
	p := startDaemon(t, path)
	waitUntil(t, startupBound, "both boards", p, func() bool { return bothBoards(s.emu) })

	moved := cfg
	moved.channelID = "1100000000000000999"
	rewrite(t, path, moved.write(t))
	if err := p.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, startupBound, "the reload to be refused", p, func() bool {
		return strings.Contains(p.stderr.String(), "reload refused; keeping the running configuration and its boards")
	})
	log := p.stderr.String()
	if !strings.Contains(log, "check=\"discord channel\"") || !strings.Contains(log, "1100000000000000999") {
		t.Errorf("the refusal does not name the channel check and the channel:\n%s", log)
	}
	if !bothBoards(s.emu) {
		t.Fatalf("the boards are gone after a refused reload:\n%s", log)
	}
	for _, r := range s.emu.Requests() {
		if r.Method == "DELETE" {
			t.Errorf("a refused reload sent %s %s", r.Method, r.Path)
		}
	}

	// A reload Discord accepts, changing only what a restart applies.
	later := cfg
	later.stateDir += "-elsewhere"
	later.extra += "metrics: { listen: \"127.0.0.1:9\" }\n"
	rewrite(t, path, later.write(t))
	if err := p.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, startupBound, "the restart-only keys to be named", p, func() bool {
		out := p.stderr.String()
		return strings.Count(out, "this change takes effect at the next restart") == 2 &&
			strings.Contains(out, "key=state_dir") && strings.Contains(out, "key=metrics.listen")
	})
	// Going back to the running values is no change at all.
	rewrite(t, path, cfg.write(t))
	if err := p.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, startupBound, "the third reload", p, func() bool {
		return strings.Count(p.stderr.String(), "configuration reloaded") == 2
	})
	if n := strings.Count(p.stderr.String(), "this change takes effect at the next restart"); n != 2 {
		t.Errorf("going back to the running values warned again (%d warnings, want 2):\n%s", n, p.stderr.String())
	}
	if !bothBoards(s.emu) {
		t.Fatal("the boards are gone")
	}
}

// rewrite replaces the file at path with the one at from.
func rewrite(t *testing.T, path, from string) {
	t.Helper()
	raw, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
}
