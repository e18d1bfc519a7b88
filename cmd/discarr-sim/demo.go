package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"sort"
	"syscall"
	"time"

	"github.com/discarr/discarr/actors/service/servicetest/realqbit"
)

// demo runs the emulator, the simulated services and discarr, prints how to reach
// them, and serves until SIGINT or SIGTERM.
func demo(args []string) error {
	fs := flag.NewFlagSet("discarr-sim demo", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8780", "listen address of the Discord emulator and web view")
	bin := fs.String("discarr", "bin/discarr", "the discarr binary to run")
	real := fs.Bool("real-qbittorrent", false, "run a real qbittorrent-nox downloading from a local seeder, instead of the simulated one")
	if err := fs.Parse(args); err != nil {
		return err
	}

	o := stackOptions{addr: *addr, sonarrs: 1, radarrs: 1, qbits: 1, tv: 6, movies: 4, torrents: 2,
		interval: 5 * time.Second, timeout: 4 * time.Second, boards: 5 * time.Second, logLevel: "info"}
	extra := map[string]string{}
	if *real {
		swarm, err := startRealQBittorrent()
		if err != nil {
			return err
		}
		defer func() { _ = swarm.Close() }()
		o.qbits, o.realQB = 0, swarm
	}
	s, err := newSimStack(o, extra)
	if err != nil {
		return err
	}
	defer s.close()
	cfgPath, err := s.writeConfig(o)
	if err != nil {
		return err
	}
	extra["config"] = cfgPath

	proc := &child{bin: *bin, config: cfgPath, out: os.Stderr}
	s.emu.Mount("POST /_demo/restart", restartHandler(proc))
	if err := proc.start(); err != nil {
		return err
	}
	defer func() { _ = proc.stop(10 * time.Second) }()

	if err := waitReady(s, proc, 30*time.Second); err != nil {
		return err
	}
	printReady(s, extra)

	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	<-sigs
	fmt.Fprintln(os.Stderr, "discarr-sim: stopping")
	return nil
}

// startRealQBittorrent starts a real qbittorrent-nox leeching a generated torrent
// from a second one over loopback.
func startRealQBittorrent() (*realqbit.Swarm, error) {
	if err := realqbit.Available(); err != nil {
		return nil, err
	}
	fmt.Fprintln(os.Stderr, "discarr-sim: starting qbittorrent-nox and a local seeder…")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	swarm, err := realqbit.StartSwarm(ctx, realqbit.SwarmOptions{Size: 200 << 20,
		Username: "admin", Password: "demo-qbit-pass"})
	if err != nil {
		return nil, fmt.Errorf("start qbittorrent-nox: %w", err)
	}
	return swarm, nil
}

// waitReady waits until discarr is connected and its commands are registered.
func waitReady(s *simStack, proc *child, d time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		if s.emu.Connected() && len(s.emu.Commands()) > 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("discarr did not connect to the emulator within %s", d)
		case <-proc.exited():
			return fmt.Errorf("discarr exited before it connected; its log is above")
		case <-tick.C:
		}
	}
}

// printReady prints the key: value lines scripts read.
func printReady(s *simStack, extra map[string]string) {
	info := s.emu.Info()
	lines := [][2]string{
		{"web", info.Web}, {"api_url", info.APIURL}, {"token", info.Token},
		{"application_id", info.ApplicationID}, {"guild_id", info.GuildID},
		{"channel_id", info.ChannelID}, {"admin_user_id", info.AdminUserID},
		{"member_user_id", info.MemberUserID},
	}
	keys := make([]string, 0, len(extra))
	for k := range extra {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		lines = append(lines, [2]string{k, extra[k]})
	}
	for _, l := range lines {
		fmt.Printf("%s: %s\n", l[0], l[1])
	}
}

// restartHandler stops discarr and starts it again, keeping the emulator.
func restartHandler(proc *child) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if err := proc.stop(10 * time.Second); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		if err := proc.start(); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"restarted": true, "pid": proc.pid()})
	})
}
