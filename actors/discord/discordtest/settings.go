package discordtest

import (
	"log/slog"
	"time"
)

// Default identities used when Options leaves them empty. They are valid snowflakes, so
// code that parses IDs as integers works against the emulator.
const (
	DefaultToken         = "ZGlzY2Fycg.emulator.bot-token-for-tests"
	DefaultApplicationID = "1100000000000000001"
	DefaultBotUserID     = DefaultApplicationID
	DefaultGuildID       = "1100000000000000100"
	DefaultChannelID     = "1100000000000000200"
	DefaultAdminUserID   = "1100000000000000300"
	DefaultMemberUserID  = "1100000000000000301"
	DefaultOwnerUserID   = "1100000000000000302"
	DefaultAdminRoleID   = "1100000000000000400"
	DefaultBotRoleID     = "1100000000000000401"

	// DefaultHeartbeatInterval is what Discord announces in HELLO today.
	DefaultHeartbeatInterval = 41250 * time.Millisecond
	// DefaultAckDeadline is Discord's window for the first interaction callback.
	DefaultAckDeadline = 3 * time.Second
	// DefaultHeartbeatGrace is how late a heartbeat may be before 4009.
	DefaultHeartbeatGrace = 5 * time.Second
	// DefaultTokenLifetime is how long an interaction token works.
	DefaultTokenLifetime = 15 * time.Minute

	defaultMaxRecords = 200000
	guildName         = "Homelab"
	channelName       = "media"
	botUsername       = "discarr"
)

// Options configures an Emulator. Zero values get the Default* constants.
type Options struct {
	// Token is the bot token (without "Bot "); the IDs name the application, guild,
	// board channel, the two users who interact, the admin role and the bot user
	// (default: the application ID, as in Discord).
	Token, ApplicationID, GuildID, ChannelID string
	AdminUserID, MemberUserID, AdminRoleID   string
	BotUserID                                string
	// OtherChannelIDs are more text channels of the guild, where the bot may do what
	// it does in ChannelID: post, list, edit and delete messages. They are listed with
	// the guild's channels and answer GET /channels/{id}; interactions still happen
	// in ChannelID. A test moves discarr's boards to one of them.
	OtherChannelIDs []string
	// HeartbeatInterval is announced in HELLO.
	HeartbeatInterval time.Duration
	// HeartbeatGrace is how long past HeartbeatInterval the emulator waits for a
	// heartbeat before it closes the connection with 4009; default 5 s, below zero
	// never. The first heartbeat is due an interval plus the grace after HELLO.
	HeartbeatGrace time.Duration
	// GatewaySendLimit bounds the frames a connection may send (default 120 per 60 s);
	// one more closes it with 4008. Heartbeats at the announced cadence (no sooner
	// than half an interval after the previous one) are not counted, since the
	// emulator often announces far shorter intervals than Discord. Limit < 0: none.
	GatewaySendLimit RateLimit
	// AckDeadline is how long after dispatch the first callback is accepted.
	AckDeadline time.Duration
	// TokenLifetime is how long an interaction token serves the webhook routes
	// (default 15 min; later they answer 50027).
	TokenLifetime time.Duration
	// GlobalRateLimit bounds every bot-token request (default 50 per second).
	GlobalRateLimit RateLimit
	// OldMessageAge and OldMessageEdits: edits of channel messages older than the age
	// (default 1 h) spend a per-channel budget (default DefaultOldMessageEdits);
	// once it is gone they answer 429 with code 30046. Limit < 0: no budget.
	OldMessageAge   time.Duration
	OldMessageEdits RateLimit
	// Now is the emulator's clock for deadlines, rate limits and timestamps.
	Now func() time.Time
	// RateLimits overrides the default buckets, keyed by the Route* constants.
	RateLimits map[string]RateLimit
	// Extra entries are added to GET /_emulator/info.
	Extra map[string]string
	// MaxRecords bounds each record list (requests, frames, interactions, violations);
	// the oldest half is dropped when it is exceeded. Default 200000.
	MaxRecords int
	// Logger receives the emulator's own diagnostics; default discards them.
	Logger *slog.Logger
	// Spec is the path of Discord's OpenAPI description; when set, every REST request
	// is checked against it (see SpecValidator). Start finds the file on its own.
	Spec string
	// NoSpec keeps Start from looking for the spec.
	NoSpec bool
	// SpecUndeclared also records body keys and query parameters the spec does not
	// declare, as ViolationSpecUndeclared.
	SpecUndeclared bool
}

// DefaultGatewaySendLimit is Discord's budget of frames a connection may send.
var DefaultGatewaySendLimit = RateLimit{Limit: 120, Window: time.Minute}

func defRate(r *RateLimit, def RateLimit) {
	if r.Limit == 0 && r.Window == 0 {
		*r = def
	}
}

func withDefaults(o Options) Options {
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	def(&o.Token, DefaultToken)
	def(&o.ApplicationID, DefaultApplicationID)
	def(&o.BotUserID, o.ApplicationID)
	def(&o.GuildID, DefaultGuildID)
	def(&o.ChannelID, DefaultChannelID)
	def(&o.AdminUserID, DefaultAdminUserID)
	def(&o.MemberUserID, DefaultMemberUserID)
	def(&o.AdminRoleID, DefaultAdminRoleID)
	if o.HeartbeatInterval <= 0 {
		o.HeartbeatInterval = DefaultHeartbeatInterval
	}
	if o.AckDeadline <= 0 {
		o.AckDeadline = DefaultAckDeadline
	}
	if o.HeartbeatGrace == 0 {
		o.HeartbeatGrace = DefaultHeartbeatGrace
	}
	if o.TokenLifetime <= 0 {
		o.TokenLifetime = DefaultTokenLifetime
	}
	if o.OldMessageAge <= 0 {
		o.OldMessageAge = time.Hour
	}
	defRate(&o.GatewaySendLimit, DefaultGatewaySendLimit)
	defRate(&o.GlobalRateLimit, DefaultGlobalRateLimit)
	defRate(&o.OldMessageEdits, DefaultOldMessageEdits)
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.MaxRecords <= 0 {
		o.MaxRecords = defaultMaxRecords
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}
