package config

import (
	"log/slog"
	"strings"
)

// Summary returns the effective configuration for the startup banner: every setting,
// secrets only as set or unset, and the number of services and their kinds.
func (c *Config) Summary() []slog.Attr {
	source := c.Source
	if source == "" {
		source = "(none: defaults and environment)"
	}
	metrics := c.Metrics.Listen
	if metrics == "" {
		metrics = "off"
	}
	attrs := []slog.Attr{
		slog.String("source", source),
		slog.String("state_dir", c.StateDir),
		slog.String("log_level", strings.ToLower(c.Log.Level.String())),
		slog.String("log_format", c.Log.Format),
		slog.String("metrics_listen", metrics),
		slog.Group("discord", c.Discord.summary()...),
		slog.Int("service_count", len(c.Services)),
		slog.String("kinds", strings.Join(c.kinds(), ",")),
	}
	var services []any
	for _, name := range c.ServiceNames() {
		services = append(services, slog.Group(name, c.Services[name].summary()...))
	}
	if len(services) > 0 {
		attrs = append(attrs, slog.Group("services", services...))
	}
	return attrs
}

// LogValue renders the configuration as its Summary, so logging a *Config shows no secret.
func (c *Config) LogValue() slog.Value {
	return slog.GroupValue(c.Summary()...)
}

// kinds lists the distinct kinds configured, in the order of Kinds.
func (c *Config) kinds() []string {
	seen := map[string]bool{}
	for _, s := range c.Services {
		seen[s.Kind] = true
	}
	var out []string
	for _, k := range Kinds {
		if seen[k] {
			out = append(out, k)
		}
	}
	return out
}

func (d Discord) summary() []any {
	appID := d.ApplicationID
	if appID == "" {
		appID = "(from READY)"
	}
	return []any{
		slog.String("token", d.Token.String()),
		slog.String("application_id", appID),
		slog.String("guild_id", d.GuildID),
		slog.String("channel_id", d.ChannelID),
		slog.String("alerts_channel_id", d.AlertsChannelID),
		slog.String("admin_role_ids", strings.Join(d.AdminRoleIDs, ",")),
		slog.String("admin_user_ids", strings.Join(d.AdminUserIDs, ",")),
		slog.String("mention_role_id", d.MentionRoleID),
		slog.String("api_url", urlString(d.APIURL)),
		slog.String("board_refresh", d.BoardRefresh.String()),
	}
}

func (s Service) summary() []any {
	attrs := []any{
		slog.String("kind", s.Kind),
		slog.String("url", urlString(s.URL)),
		slog.String("interval", s.Interval.String()),
		slog.String("timeout", s.Timeout.String()),
	}
	switch kindInfos[s.Kind].auth {
	case authAPIKey:
		attrs = append(attrs, slog.String("api_key", s.APIKey.String()))
	default:
		attrs = append(attrs, slog.String("username", s.Username),
			slog.String("password", s.Password.String()))
	}
	if s.CAFile != "" {
		attrs = append(attrs, slog.String("ca_file", s.CAFile))
	}
	if s.InsecureSkipVerify {
		attrs = append(attrs, slog.Bool("insecure_skip_verify", true))
	}
	if s.IncludeUnknown {
		attrs = append(attrs, slog.Bool("include_unknown", true))
	}
	return attrs
}
