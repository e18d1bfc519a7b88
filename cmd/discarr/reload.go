package main

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/discarr/discarr/actors/supervisor"
	"github.com/discarr/discarr/config"
)

// reloadCheckTimeout bounds the Discord checks of a reload that moves the boards.
const reloadCheckTimeout = 15 * time.Second

// reloader applies a SIGHUP: it reads the configuration afresh and hands a valid one
// to the supervisor, which restarts only what changed.
type reloader struct {
	f      flags
	system *actor.ActorSystem
	root   *actor.PID
	level  *slog.LevelVar
	log    *slog.Logger
	// check checks the Discord side of a configuration; checkDiscord when nil.
	check func(context.Context, *config.Config) []checkRow
}

// reload returns the configuration now running. A configuration with problems is
// refused, each problem logged, and cur kept. So is one that moves the boards to a
// channel, server or token Discord does not accept: the boards would be deleted
// before the new channel refused them. Keys that only a restart can apply are
// named.
func (r reloader) reload(cur *config.Config) *config.Config {
	r.log.Info("reloading configuration")
	next, err := config.Load(loadOptions(r.f))
	var problems *config.Error
	switch {
	case errors.As(err, &problems):
		for _, p := range problems.Problems {
			r.log.Error("reload refused; keeping the running configuration", "key", p.Key, "problem", p.Message)
		}
		return cur
	case err != nil:
		r.log.Error("reload refused; keeping the running configuration", "err", err.Error())
		return cur
	}
	if boardsMove(cur.Discord, next.Discord) && !r.discordAccepts(next) {
		return cur
	}
	r.restartOnly(cur, next)
	if r.f.logLevel == "" {
		r.level.Set(next.Log.Level)
	}
	if _, err := r.system.Root.RequestFuture(r.root, supervisor.Reload{Config: next}, 30*time.Second).Result(); err != nil {
		r.log.Error("reload did not finish", "err", err.Error())
	}
	return next
}

// boardsMove reports whether the boards would go to another place, or be posted
// with another token.
func boardsMove(a, b config.Discord) bool {
	return a.Token != b.Token || a.APIURL.String() != b.APIURL.String() ||
		a.GuildID != b.GuildID || a.ChannelID != b.ChannelID
}

// discordAccepts runs discarr check's Discord rows on next and logs the failing ones.
func (r reloader) discordAccepts(next *config.Config) bool {
	check := r.check
	if check == nil {
		check = checkDiscord
	}
	ctx, cancel := context.WithTimeout(context.Background(), reloadCheckTimeout)
	defer cancel()
	ok := true
	for _, row := range check(ctx, next) {
		if !row.ok {
			ok = false
			r.log.Error("reload refused; keeping the running configuration and its boards",
				"check", row.what, "problem", row.result, "advice", row.advice)
		}
	}
	return ok
}

// restartOnly warns about changed keys that the running process cannot apply, and
// keeps their running values in next, so that next says what runs.
func (r reloader) restartOnly(cur, next *config.Config) {
	for _, k := range []struct {
		key           string
		running, into *string
	}{
		{"state_dir", &cur.StateDir, &next.StateDir},
		{"metrics.listen", &cur.Metrics.Listen, &next.Metrics.Listen},
		{"log.format", &cur.Log.Format, &next.Log.Format},
	} {
		if *k.running != *k.into {
			r.log.Warn("this change takes effect at the next restart", "key", k.key,
				"running", *k.running, "configured", *k.into)
			*k.into = *k.running
		}
	}
}
