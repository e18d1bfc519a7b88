package config

import (
	"fmt"
	"log/slog"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"
)

// builder validates a rawConfig and resolves it into a Config, recording problems.
type builder struct {
	p        *problems
	workDir  string // resolves state_dir
	credDir  string // resolves relative *_file secrets first
	fileDir  string // the config file's directory: *_file secrets, then ca_file
	stateEnv string // the default state_dir
	support  []string
}

// build validates every section; the Config is only meaningful when no problem was found.
func (b *builder) build(raw rawConfig) *Config {
	cfg := &Config{
		Discord:  b.discord(raw.Discord),
		Services: map[string]Service{},
		StateDir: b.stateDir(raw.StateDir),
		Log:      b.log(raw.Log),
		Metrics:  b.metrics(raw.Metrics),
	}
	for name, rs := range raw.Services {
		cfg.Services[name] = b.service(name, rs)
	}
	return cfg
}

func (b *builder) discord(raw rawDiscord) Discord {
	d := Discord{
		ApplicationID:   b.snowflake("discord.application_id", raw.ApplicationID, ""),
		GuildID:         b.snowflake("discord.guild_id", raw.GuildID, "the Discord server"),
		ChannelID:       b.snowflake("discord.channel_id", raw.ChannelID, "the channel for the boards"),
		AlertsChannelID: b.snowflake("discord.alerts_channel_id", raw.AlertsChannelID, ""),
		AdminRoleIDs:    b.snowflakes("discord.admin_role_ids", raw.AdminRoleIDs),
		AdminUserIDs:    b.snowflakes("discord.admin_user_ids", raw.AdminUserIDs),
		MentionRoleID:   b.snowflake("discord.mention_role_id", raw.MentionRoleID, ""),
		APIURL:          b.baseURL("discord.api_url", raw.APIURL, "https://discord.com/"),
		BoardRefresh: b.duration("discord.board_refresh", raw.BoardRefresh,
			minBoardRefresh, maxBoardRefresh),
	}
	if d.AlertsChannelID == "" {
		d.AlertsChannelID = d.ChannelID
	}

	token := b.secret("discord.token", raw.Token, raw.TokenFile)
	d.Token = Secret(strings.TrimPrefix(token.Reveal(), "Bot "))
	if !d.Token.IsSet() && !b.anyProblem("discord.token", "discord.token_file") {
		b.p.addf("discord.token", "required: set token_file (a file or systemd credential), "+
			"token, or %s", envName("discord.token"))
	}
	return d
}

// snowflake checks a Discord ID; required names what it is for, "" when optional.
func (b *builder) snowflake(key, value, required string) string {
	value = strings.TrimSpace(value)
	if value == "" {
		if required != "" {
			b.p.addf(key, "required (%s, a numeric ID)", required)
		}
		return ""
	}
	if n, err := strconv.ParseUint(value, 10, 64); err != nil || n == 0 || value[0] == '+' {
		b.p.add(key, "not a Discord ID: use the numeric ID (with Developer Mode on, Copy ID)")
		return ""
	}
	return value
}

func (b *builder) snowflakes(key string, values []string) []string {
	out := []string{}
	for i, v := range values {
		if id := b.snowflake(fmt.Sprintf("%s[%d]", key, i), v, ""); id != "" {
			out = append(out, id)
		} else if strings.TrimSpace(v) == "" {
			b.p.addf(fmt.Sprintf("%s[%d]", key, i), "empty ID")
		}
	}
	return out
}

// duration checks that d lies in [lo, hi].
func (b *builder) duration(key string, d, lo, hi time.Duration) time.Duration {
	if b.p.has(key) {
		return d
	}
	if d < lo || d > hi {
		b.p.addf(key, "%s is out of range: use %s to %s",
			fmtDuration(d), fmtDuration(lo), fmtDuration(hi))
	}
	return d
}

// fmtDuration prints a duration without trailing zero units: 1m, not 1m0s.
func fmtDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

func (b *builder) stateDir(value string) string {
	switch {
	case strings.TrimSpace(value) != "":
		return absUnder(b.workDir, value)
	case b.stateEnv != "":
		return absUnder(b.workDir, b.stateEnv)
	}
	return absUnder(b.workDir, defaultStateDir)
}

var levels = map[string]slog.Level{
	"debug": slog.LevelDebug, "info": slog.LevelInfo, "warn": slog.LevelWarn, "error": slog.LevelError,
}

// Formats lists the values log.format accepts.
var Formats = []string{"auto", "text", "json", "journal"}

func (b *builder) log(raw rawLog) Log {
	l := Log{Level: slog.LevelInfo, Format: strings.ToLower(strings.TrimSpace(raw.Format))}
	if level, ok := levels[strings.ToLower(strings.TrimSpace(raw.Level))]; ok {
		l.Level = level
	} else {
		b.p.addf("log.level", "unknown level %q (known: debug, info, warn, error)", raw.Level)
	}
	if !slices.Contains(Formats, l.Format) {
		b.p.addf("log.format", "unknown format %q (known: %s)", raw.Format, strings.Join(Formats, ", "))
	}
	return l
}

func (b *builder) metrics(raw rawMetrics) Metrics {
	listen := strings.TrimSpace(raw.Listen)
	if listen == "" {
		return Metrics{}
	}
	_, port, err := net.SplitHostPort(listen)
	n, perr := strconv.Atoi(port)
	if err != nil || perr != nil || n < 1 || n > 65535 {
		b.p.addf("metrics.listen", "%q is not host:port (e.g. 127.0.0.1:9713, or :9713 for "+
			"every interface)", listen)
	}
	return Metrics{Listen: listen}
}
