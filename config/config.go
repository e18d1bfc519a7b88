// Package config owns discarr's configuration: loading it from defaults, a YAML file and
// DISCARR_ environment variables, filling in defaults, validating every value (reporting
// all problems at once, each with its key path) and reading secrets from inline values,
// files or systemd credentials.
package config

import (
	"log/slog"
	"maps"
	"net/url"
	"slices"
	"time"
)

// Config is the validated, effective configuration of one discarr process.
type Config struct {
	// Discord is how discarr reaches its Discord server and where it posts.
	Discord Discord
	// Services holds the media services, keyed by instance name.
	Services map[string]Service
	// StateDir is the absolute directory for board message IDs and the instance lock.
	StateDir string
	// Log says how discarr logs.
	Log Log
	// Metrics configures the optional Prometheus endpoint.
	Metrics Metrics
	// Source is the absolute path of the config file loaded, "" when none was.
	Source string
}

// Discord is the discord section: the bot's credentials, server and channels.
type Discord struct {
	// Token is the bare bot token (any "Bot " prefix is removed).
	Token Secret
	// ApplicationID is the bot's application ID; "" means read it from READY.
	ApplicationID string
	// GuildID is the Discord server (guild) discarr serves.
	GuildID string
	// ChannelID is the channel holding the downloads and health boards.
	ChannelID string
	// AlertsChannelID is where alerts go; it defaults to ChannelID.
	AlertsChannelID string
	// AdminRoleIDs are the roles allowed to run admin actions.
	AdminRoleIDs []string
	// AdminUserIDs are the users allowed to run admin actions.
	AdminUserIDs []string
	// MentionRoleID is the role mentioned on critical alerts; "" mentions nobody.
	MentionRoleID string
	// APIURL is the Discord-compatible server to talk to, normalised (no trailing slash).
	APIURL *url.URL
	// BoardRefresh is how often the boards are re-rendered.
	BoardRefresh time.Duration
}

// Service is one configured media-service instance.
type Service struct {
	// Name is the instance name, the key under services.
	Name string
	// Kind is one of Kinds.
	Kind string
	// URL is the normalised base URL: no default port, no trailing slash, base path kept.
	URL *url.URL
	// APIKey is the API key (the X-Plex-Token for plex); unset for username/password kinds.
	APIKey Secret
	// Username is the login name for the kinds that log in with one.
	Username string
	// Password is the login password for the kinds that log in with one.
	Password Secret
	// Interval is the time between the end of one poll and the start of the next.
	Interval time.Duration
	// Timeout bounds one call to the service.
	Timeout time.Duration
	// CAFile is the absolute path of a PEM bundle to trust for https, or "".
	CAFile string
	// InsecureSkipVerify turns off TLS certificate verification.
	InsecureSkipVerify bool
	// IncludeUnknown shows *arr queue items that match no series, movie or album.
	IncludeUnknown bool
}

// Log is the log section.
type Log struct {
	// Level is the minimum level logged.
	Level slog.Level
	// Format is one of "auto", "text", "json" or "journal".
	Format string
}

// Metrics is the metrics section.
type Metrics struct {
	// Listen is the host:port the metrics endpoint listens on; "" turns it off.
	Listen string
}

// ServiceNames returns the instance names of every service, sorted.
func (c *Config) ServiceNames() []string {
	return slices.Sorted(maps.Keys(c.Services))
}

// Equal reports whether s and o configure the same service in the same way, secrets
// included, so a reload can keep the services whose configuration did not change.
func (s Service) Equal(o Service) bool {
	return s.Name == o.Name &&
		s.Kind == o.Kind &&
		urlString(s.URL) == urlString(o.URL) &&
		s.APIKey == o.APIKey &&
		s.Username == o.Username &&
		s.Password == o.Password &&
		s.Interval == o.Interval &&
		s.Timeout == o.Timeout &&
		s.CAFile == o.CAFile &&
		s.InsecureSkipVerify == o.InsecureSkipVerify &&
		s.IncludeUnknown == o.IncludeUnknown
}

func urlString(u *url.URL) string {
	if u == nil {
		return ""
	}
	return u.String()
}
