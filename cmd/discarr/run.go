package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/discarr/discarr/actors/service"
	"github.com/discarr/discarr/actors/state"
	"github.com/discarr/discarr/actors/supervision"
	"github.com/discarr/discarr/actors/supervisor"
	"github.com/discarr/discarr/actors/watchdog"
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
	log.Info("discarr starting", append([]any{"version", version}, attrsToAny(banner(cfg, f, level))...)...)

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
	root, core := supervisor.Start(system, supervisor.Options{
		Config: cfg, State: st, Log: log, Version: version, Ctx: ctx,
		OnFatal: func(err error) {
			select {
			case fatal <- err:
			default:
			}
		},
	})

	// Prometheus metrics and /healthz, when metrics.listen is set.
	stopMetrics := startMetrics(ctx, cfg, system, root, log)
	defer stopMetrics()

	// systemd: READY once the gateway is connected (or after a bounded wait, saying
	// it is still connecting), and WATCHDOG=1 only while the core actors answer.
	status := newStatus(system, len(cfg.Services))
	stopWD := watchdog.Start(system, watchdog.Config{Core: coreList(core), Status: status.String, Log: log})
	go notifyReady(status, log)

	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)

	code = exitOK
wait:
	for {
		select {
		case s := <-sigs:
			if s == syscall.SIGHUP {
				// The Discord actors may be rebuilt: the watchdog follows the new core.
				_ = watchdog.Reloading(nil)
				stopWD()
				cfg = reloader{f: f, system: system, root: root, level: level, log: log}.reload(cfg)
				if res, err := system.Root.RequestFuture(root, supervisor.CoreQuery{}, 5*time.Second).Result(); err == nil {
					core = res.(supervisor.Core)
				}
				stopWD = watchdog.Start(system, watchdog.Config{Core: coreList(core), Status: status.String, Log: log})
				_ = watchdog.Ready(nil, status.String())
				continue
			}
			log.Info("stopping", "signal", s.String())
			break wait
		case err := <-fatal:
			// Discord refused the token or the intents: restarting cannot help.
			log.Error("stopping", "err", err.Error())
			code = exitTokenRefused
			break wait
		}
	}

	// Every call in flight ends first; then the tree stops, within our deadline.
	_ = watchdog.Stopping(nil)
	stopWD()
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
	cfg, err := config.Load(loadOptions(f))
	if err != nil {
		fmt.Fprintln(stderr, "discarr:", err)
		var problems *config.Error
		if errors.As(err, &problems) && f.config == "" && noConfigFile() {
			fmt.Fprintf(stderr, "(no config file was found: looked for ./%s and %s; "+
				"pass --config or set DISCARR_ variables)\n", config.FileName, config.SystemPath)
		}
		return nil, nil, exitBadConfig
	}
	level := new(slog.LevelVar)
	level.Set(cfg.Log.Level)
	if override != nil {
		level.Set(*override)
	}
	return cfg, level, exitOK
}

// loadOptions says where the config comes from, and which kinds this binary can watch.
func loadOptions(f flags) config.LoadOptions {
	return config.LoadOptions{Path: f.config, Supported: service.Kinds()}
}

// noConfigFile reports whether neither default config file exists.
func noConfigFile() bool {
	for _, p := range []string{config.FileName, config.SystemPath} {
		if _, err := os.Stat(p); err == nil {
			return false
		}
	}
	return true
}

// banner is the configuration summary logged at start, with the level in effect
// when --log-level overrides the file's.
func banner(cfg *config.Config, f flags, level *slog.LevelVar) []slog.Attr {
	attrs := cfg.Summary()
	for i, a := range attrs {
		if a.Key == "log_level" && f.logLevel != "" {
			attrs[i] = slog.String(a.Key, strings.ToLower(level.Level().String())+" (--log-level)")
		}
	}
	return attrs
}

func attrsToAny(as []slog.Attr) []any {
	out := make([]any, len(as))
	for i, a := range as {
		out[i] = a
	}
	return out
}
