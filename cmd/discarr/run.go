package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/discarr/discarr/actors/state"
	"github.com/discarr/discarr/actors/supervision"
	"github.com/discarr/discarr/actors/supervisor"
	"github.com/discarr/discarr/config"
)

// stopDeadline bounds a graceful stop, however the backends behave.
const stopDeadline = 4 * time.Second

// run is the daemon: load and check the configuration, take the state lock, start
// the actor tree and serve until a signal or a fatal refusal from Discord.
func run(f flags, stderr io.Writer) int {
	cfg, level, code := loadConfig(f, stderr)
	if cfg == nil {
		return code
	}
	log := newLogger(os.Stderr, cfg.Log.Format, level)
	log.Info("discarr starting", append([]any{"version", version}, attrsToAny(cfg.Summary())...)...)

	unlock, err := state.Lock(cfg.StateDir)
	var locked *state.LockedError
	if errors.As(err, &locked) {
		log.Error("not starting", "err", err.Error())
		return exitAlreadyRuning
	}
	if err != nil {
		log.Error("not starting", "err", err.Error())
		return exitCheckFailed
	}
	defer unlock()
	st, err := state.Open(cfg.StateDir, log)
	if err != nil {
		log.Error("not starting", "err", err.Error())
		return exitCheckFailed
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	fatal := make(chan error, 1)
	system := supervision.NewSystem(log)
	root, _ := supervisor.Start(system, supervisor.Options{
		Config: cfg, State: st, Log: log, Version: version, Ctx: ctx,
		OnFatal: func(err error) {
			select {
			case fatal <- err:
			default:
			}
		},
	})

	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(sigs)

	code = exitOK
	select {
	case s := <-sigs:
		log.Info("stopping", "signal", s.String())
	case err := <-fatal:
		// Discord refused the token or the intents: restarting cannot help.
		log.Error("stopping", "err", err.Error())
		code = exitTokenRefused
	}

	// Every call in flight ends first; then the tree stops, within our deadline.
	cancel()
	stopped := make(chan struct{})
	go func() {
		_ = system.Root.StopFuture(root).Wait()
		close(stopped)
	}()
	select {
	case <-stopped:
	case <-time.After(stopDeadline):
		log.Warn("actors did not stop in time; exiting anyway", "deadline", stopDeadline.String())
	}
	log.Info("stopped")
	return code
}

// loadConfig loads the configuration and the log level. On failure it prints every
// problem and returns a nil config with the exit code.
func loadConfig(f flags, stderr io.Writer) (*config.Config, *slog.LevelVar, int) {
	var override *slog.Level
	if f.logLevel != "" {
		l, err := parseLevel(f.logLevel)
		if err != nil {
			fmt.Fprintln(stderr, "discarr:", err)
			return nil, nil, exitBadConfig
		}
		override = &l
	}
	cfg, err := config.Load(config.LoadOptions{Path: f.config})
	if err != nil {
		fmt.Fprintln(stderr, "discarr:", err)
		return nil, nil, exitBadConfig
	}
	level := new(slog.LevelVar)
	level.Set(cfg.Log.Level)
	if override != nil {
		level.Set(*override)
	}
	return cfg, level, exitOK
}

func attrsToAny(as []slog.Attr) []any {
	out := make([]any, len(as))
	for i, a := range as {
		out[i] = a
	}
	return out
}
