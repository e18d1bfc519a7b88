package main

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/discarr/discarr/actors/discord/discordtest"
	"github.com/discarr/discarr/actors/service/servicetest"
	"github.com/discarr/discarr/actors/service/servicetest/realqbit"
)

// simService is one simulated media service and how discarr reaches it.
type simService struct {
	name, kind, url    string
	apiKey, user, pass string
	// handler is the simulator itself; its own POST /_sim/faults sets its faults.
	handler http.Handler
}

// stackOptions size a simulated stack.
type stackOptions struct {
	addr                      string // emulator listener
	sonarrs, radarrs, qbits   int
	tv, movies, torrents      int
	interval, timeout, boards time.Duration
	logLevel                  string
	// metricsListen, when set, turns on discarr's metrics endpoint there.
	metricsListen string
	// realQB, when set, stands in for a simulated qBittorrent: a real one.
	realQB *realqbit.Swarm
}

// simStack is the Discord emulator and the simulated services, and the config
// file that points discarr at them.
type simStack struct {
	emu      *discordtest.Emulator
	world    *servicetest.World
	services []*simService
	dir      string
	closers  []func() error
}

func newSimStack(o stackOptions, extra map[string]string) (*simStack, error) {
	removeAbandoned()
	dir, err := os.MkdirTemp("", "discarr-sim-")
	if err != nil {
		return nil, fmt.Errorf("make temp dir: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(strconv.Itoa(os.Getpid())), 0o600); err != nil {
		return nil, fmt.Errorf("write owner: %w", err)
	}
	s := &simStack{dir: dir, world: servicetest.NewWorld(servicetest.WorldOptions{Seed: 42,
		TV: o.tv, Movies: o.movies, Torrents: o.torrents})}

	add := func(name, kind string, h http.Handler, key, user, pass, base string) error {
		url, closeFn, err := servicetest.Listen("127.0.0.1:0", h)
		if err != nil {
			return err
		}
		s.closers = append(s.closers, closeFn)
		s.services = append(s.services, &simService{name: name, kind: kind, url: url + base,
			apiKey: key, user: user, pass: pass, handler: h})
		return nil
	}
	for i := range o.sonarrs {
		name := indexed("sonarr", i, o.sonarrs)
		a := servicetest.NewSonarr(servicetest.ArrOptions{APIKey: "demo-" + name + "-key", World: s.world})
		if err := add(name, "sonarr", a, "demo-"+name+"-key", "", "", ""); err != nil {
			return nil, s.closeWith(err)
		}
	}
	for i := range o.radarrs {
		name := indexed("radarr", i, o.radarrs)
		a := servicetest.NewRadarr(servicetest.ArrOptions{APIKey: "demo-" + name + "-key", World: s.world})
		if err := add(name, "radarr", a, "demo-"+name+"-key", "", "", ""); err != nil {
			return nil, s.closeWith(err)
		}
	}
	for i := range o.qbits {
		name := indexed("qbittorrent", i, o.qbits)
		q := servicetest.NewQBittorrent(servicetest.QBOptions{Username: "admin", Password: "demo-qbit-pass",
			World: s.world})
		if err := add(name, "qbittorrent", q, "", "admin", "demo-qbit-pass", ""); err != nil {
			return nil, s.closeWith(err)
		}
	}

	if o.realQB != nil {
		s.services = append(s.services, &simService{name: "qbittorrent", kind: "qbittorrent",
			url: o.realQB.Leecher.URL, user: o.realQB.Leecher.Username, pass: o.realQB.Leecher.Password,
			handler: http.NotFoundHandler()})
	}
	for _, svc := range s.services {
		extra[svc.name] = svc.url
	}
	// Discord's OpenAPI spec, when this is a checkout beside it, checks every request
	// discarr sends; the web view counts what it finds.
	spec, _ := discordtest.FindSpec()
	s.emu = discordtest.New(discordtest.Options{Extra: extra, Spec: spec, SpecUndeclared: spec != ""})
	s.mountFaults()
	if err := s.emu.Listen(o.addr); err != nil {
		return nil, s.closeWith(err)
	}
	s.closers = append(s.closers, s.emu.Close)
	return s, nil
}

// ownerFile names the process that made a stack's folder.
const ownerFile = "owner.pid"

// removeAbandoned removes the folders of stacks whose process died without cleaning
// up (SIGKILL): they hold a config with a token and API keys.
func removeAbandoned() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), "discarr-sim-*"))
	for _, dir := range dirs {
		raw, err := os.ReadFile(filepath.Join(dir, ownerFile))
		if err != nil {
			continue // not ours to judge
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(raw)))
		if err != nil || pid <= 0 || syscall.Kill(pid, 0) == syscall.ESRCH {
			_ = os.RemoveAll(dir)
		}
	}
}

func indexed(base string, i, n int) string {
	if n == 1 {
		return base
	}
	return fmt.Sprintf("%s_%d", base, i+1)
}

// mountFaults serves POST /_sim/{service}/faults on the emulator's listener, by
// handing the request to that simulator's own /_sim/faults.
func (s *simStack) mountFaults() {
	s.emu.Mount("/_sim/{service}/faults", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("service")
		for _, svc := range s.services {
			if svc.name == name || svc.kind == name {
				r2 := r.Clone(r.Context())
				r2.URL.Path = "/_sim/faults"
				svc.handler.ServeHTTP(w, r2)
				return
			}
		}
		http.Error(w, "no simulated service named "+name, http.StatusNotFound)
	}))
}

// writeConfig writes discarr's configuration for this stack and returns its path.
func (s *simStack) writeConfig(o stackOptions) (string, error) {
	info := s.emu.Info()
	var b strings.Builder
	fmt.Fprintf(&b, "# Written by discarr-sim for its simulated stack.\n")
	fmt.Fprintf(&b, "discord:\n  token: %q\n  guild_id: %q\n  channel_id: %q\n  admin_role_ids: [%q]\n"+
		"  api_url: %q\n  board_refresh: %s\n", info.Token, info.GuildID, info.ChannelID,
		s.emu.Options().AdminRoleID, info.APIURL, o.boards)
	b.WriteString("services:\n")
	svcs := append([]*simService(nil), s.services...)
	sort.Slice(svcs, func(i, j int) bool { return svcs[i].name < svcs[j].name })
	for _, svc := range svcs {
		fmt.Fprintf(&b, "  %s: { kind: %s, url: %q, interval: %s, timeout: %s", svc.name, svc.kind,
			svc.url, o.interval, o.timeout)
		if svc.apiKey != "" {
			fmt.Fprintf(&b, ", api_key: %q", svc.apiKey)
		}
		if svc.user != "" {
			fmt.Fprintf(&b, ", username: %q, password: %q", svc.user, svc.pass)
		}
		b.WriteString(" }\n")
	}
	fmt.Fprintf(&b, "state_dir: %q\nlog: { level: %s }\n", filepath.Join(s.dir, "state"), o.logLevel)
	if o.metricsListen != "" {
		fmt.Fprintf(&b, "metrics: { listen: %q }\n", o.metricsListen)
	}
	path := filepath.Join(s.dir, "discarr.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		return "", fmt.Errorf("write config: %w", err)
	}
	return path, nil
}

// close stops every server and removes what the stack wrote.
func (s *simStack) close() {
	for i := len(s.closers) - 1; i >= 0; i-- {
		_ = s.closers[i]()
	}
	_ = os.RemoveAll(s.dir)
}

func (s *simStack) closeWith(err error) error {
	s.close()
	return err
}
