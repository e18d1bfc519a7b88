package main

import (
	"bytes"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/discarr/discarr/actors/discord/discordtest"
)

// checkOutput runs discarr check with the configuration at path.
func checkOutput(t *testing.T, path string, args ...string) (int, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := realMain(append([]string{"check", "--config", path}, args...), &out, &errOut)
	return code, out.String() + errOut.String()
}

// row finds the table line whose check column starts with what, joined with the
// advice line under it, if any.
func row(out, what string) string {
	lines := strings.Split(out, "\n")
	for i, line := range lines {
		f := strings.Fields(line)
		if len(f) < 2 || !strings.HasPrefix(strings.TrimSpace(line[len(f[0]):]), what) {
			continue
		}
		if i+1 < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[i+1]), "-> ") {
			line += " " + strings.TrimSpace(lines[i+1])
		}
		return line
	}
	return ""
}

// TestCheckPassesAgainstAHealthyStack proves every row passes against the Discord
// emulator and simulated services, the Discord rows included.
func TestCheckPassesAgainstAHealthyStack(t *testing.T) {
	t.Parallel()
	s := newTestStack(t)
	code, out := checkOutput(t, s.cfg.write(t))
	t.Logf("output:\n%s", out)
	if code != exitOK {
		t.Fatalf("exit %d, want %d", code, exitOK)
	}
	for _, what := range []string{"config", "service qbit", "service radarr", "service sonarr",
		"discord token", "discord guild", "discord channel", "permissions in #media"} {
		if r := row(out, what); !strings.HasPrefix(r, "ok ") {
			t.Errorf("row %q: %q, want it passing", what, r)
		}
	}
	for _, want := range []string{"all 8 checks passed", "version " + "4.0.14.2939", "Homelab",
		"has View Channel, Send Messages, Embed Links, Read Message History"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, testSonarrKey) || strings.Contains(out, testQbitPass) || strings.Contains(out, s.cfg.token) {
		t.Errorf("output shows a secret:\n%s", out)
	}
}

// TestCheckNamesEachFailureAndWhatToDo proves a wrong API key and an unreachable
// host each fail their own row with advice, the others still pass, and the exit
// status is 1; and that a refused Discord token fails its row the same way.
func TestCheckNamesEachFailureAndWhatToDo(t *testing.T) {
	t.Parallel()
	s := newTestStack(t)
	for _, tc := range []struct {
		name  string
		edit  func(*testConfig)
		fails map[string][]string // row -> what its line must say
		pass  []string
	}{{
		name: "wrong key and closed port",
		edit: func(c *testConfig) {
			c.sonarrKey = "not-the-key"
			c.radarrURL = closedPort(t)
		},
		fails: map[string][]string{
			"service sonarr": {"FAIL", "services.sonarr.api_key"},
			"service radarr": {"FAIL", "connection refused", "running at", "services.radarr.url"},
		},
		pass: []string{"config", "service qbit", "discord token", "permissions in #media"},
	}, {
		name: "refused token",
		edit: func(c *testConfig) { c.token = "ZGlzY2Fycg.wrong.token" },
		fails: map[string][]string{
			"discord token": {"FAIL", "401", "Reset Token"},
		},
		pass: []string{"service sonarr", "service radarr", "service qbit"},
	}, {
		name: "bot not in the guild",
		edit: func(c *testConfig) { c.guildID = "1100000000000000999" },
		fails: map[string][]string{
			"discord guild": {"FAIL", "not a member", "discord.guild_id", "https://discord.com/oauth2/authorize?" +
				"client_id=" + discordtest.DefaultApplicationID + "&scope=bot+applications.commands&permissions=84992"},
		},
		pass: []string{"discord token"},
	}, {
		name: "unknown channel",
		edit: func(c *testConfig) { c.channelID = "1100000000000000999" },
		fails: map[string][]string{
			"discord channel": {"FAIL", "no channel 1100000000000000999", "discord.channel_id"},
		},
		pass: []string{"discord token", "discord guild"},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := s.cfg
			tc.edit(&cfg)
			code, out := checkOutput(t, cfg.write(t))
			if code != exitCheckFailed {
				t.Errorf("exit %d, want %d", code, exitCheckFailed)
			}
			for what, wants := range tc.fails {
				r := row(out, what)
				for _, w := range wants {
					if !strings.Contains(r, w) {
						t.Errorf("row %q: %q lacks %q", what, r, w)
					}
				}
			}
			for _, what := range tc.pass {
				if r := row(out, what); !strings.HasPrefix(r, "ok ") {
					t.Errorf("row %q: %q, want it passing", what, r)
				}
			}
			if !strings.Contains(out, "checks failed") {
				t.Errorf("no summary of failures:\n%s", out)
			}
			t.Logf("output:\n%s", out)
		})
	}
}

// TestCheckOfflineConnectsToNothing proves --offline validates the configuration
// without opening a single connection, and that an invalid one still exits 2.
func TestCheckOfflineConnectsToNothing(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var connections atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			connections.Add(1)
			c.Close()
		}
	}()
	t.Cleanup(func() { ln.Close() })
	trap := "http://" + ln.Addr().String()

	cfg := testConfig{token: "ZGlzY2Fycg.offline.token", guildID: "1", channelID: "2", apiURL: trap,
		sonarrURL: trap, sonarrKey: "k", radarrURL: trap + "/radarr", radarrKey: "k",
		qbitURL: trap, qbitPass: "p", stateDir: t.TempDir()}
	code, out := checkOutput(t, cfg.write(t), "--offline")
	if code != exitOK || !strings.Contains(out, "the check passed") {
		t.Errorf("exit %d, want %d with only the config row:\n%s", code, exitOK, out)
	}

	cfg.extra = "unknown_section: {}\n"
	if code, out := checkOutput(t, cfg.write(t), "--offline"); code != exitBadConfig ||
		!strings.Contains(out, "unknown_section") {
		t.Errorf("invalid config: exit %d, want %d naming the key:\n%s", code, exitBadConfig, out)
	}
	// Every other test's connection would go to its own listener: nothing came here.
	if n := connections.Load(); n != 0 {
		t.Errorf("--offline opened %d connections", n)
	}
}

// TestInviteURLAsksForExactlyWhatDiscarrNeeds pins the invite link: both scopes and
// View Channel | Send Messages | Embed Links | Read Message History = 84992.
func TestInviteURLAsksForExactlyWhatDiscarrNeeds(t *testing.T) {
	t.Parallel()
	want := "https://discord.com/oauth2/authorize?client_id=42&scope=bot+applications.commands&permissions=84992"
	if got := inviteURL("42"); got != want {
		t.Errorf("inviteURL = %s\nwant        %s", got, want)
	}
}

// TestCheckNamesMissingPermissions runs check against the emulator behind a proxy
// that adds a channel overwrite denying the bot's role Embed Links and Read Message
// History (the emulator itself always grants them): the permissions row must fail,
// name both, and print the invite URL.
func TestCheckNamesMissingPermissions(t *testing.T) {
	t.Parallel()
	s := newTestStack(t)
	emu := s.emu.Handler()
	deny := strconv.FormatInt(discordgo.PermissionEmbedLinks|discordgo.PermissionReadMessageHistory, 10)
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || !strings.HasSuffix(r.URL.Path, "/channels/"+s.cfg.channelID) {
			emu.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		emu.ServeHTTP(rec, r)
		var ch map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &ch); err != nil {
			t.Errorf("emulator channel: %v", err)
		}
		ch["permission_overwrites"] = []map[string]any{
			{"id": discordtest.DefaultBotRoleID, "type": 0, "allow": "0", "deny": deny}}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(ch)
	}))
	t.Cleanup(proxy.Close)

	cfg := s.cfg
	cfg.apiURL = proxy.URL
	code, out := checkOutput(t, cfg.write(t))
	t.Logf("output:\n%s", out)
	if code != exitCheckFailed {
		t.Errorf("exit %d, want %d", code, exitCheckFailed)
	}
	r := row(out, "permissions in #media")
	for _, want := range []string{"FAIL", "missing Embed Links, Read Message History",
		"Edit Channel > Permissions", "permissions=84992"} {
		if !strings.Contains(r, want) {
			t.Errorf("permissions row %q lacks %q", r, want)
		}
	}
}

// Roles and users of the permission table's guild.
const (
	pGuild = "100"
	pBotID = "200"
	pOwner = "201"
	pRoleA = "300"
	pRoleB = "301"
	pAdmin = "302"
)

const (
	view    = discordgo.PermissionViewChannel
	send    = discordgo.PermissionSendMessages
	embed   = discordgo.PermissionEmbedLinks
	history = discordgo.PermissionReadMessageHistory
	all4    = view | send | embed | history
)

func overwrite(id string, typ discordgo.PermissionOverwriteType, allow, deny int64) *discordgo.PermissionOverwrite {
	return &discordgo.PermissionOverwrite{ID: id, Type: typ, Allow: allow, Deny: deny}
}

// TestChannelPermissions computes the bot's permissions in a channel the way Discord
// does, case by case, and names what is missing. The emulator always grants the bot
// everything, so the failing cases are checked here.
func TestChannelPermissions(t *testing.T) {
	t.Parallel()
	role, member := discordgo.PermissionOverwriteTypeRole, discordgo.PermissionOverwriteTypeMember
	for _, tc := range []struct {
		name       string
		everyone   int64    // @everyone's guild permissions
		roleA      int64    // the guild permissions of role A
		roles      []string // the bot's roles
		overwrites []*discordgo.PermissionOverwrite
		user       string
		missing    string // needNames of what is missing, "" for nothing
	}{
		{name: "everyone grants all", everyone: all4},
		{name: "a role adds embed", everyone: view | send | history, roleA: embed, roles: []string{pRoleA}},
		{name: "nothing anywhere", missing: "View Channel, Send Messages, Embed Links, Read Message History"},
		{name: "role not held", everyone: view | send, roleA: embed | history,
			missing: "Embed Links, Read Message History"},
		{name: "administrator bypasses overwrites", roles: []string{pAdmin},
			overwrites: []*discordgo.PermissionOverwrite{overwrite(pGuild, role, 0, all4)}},
		{name: "owner may do everything", user: pOwner,
			overwrites: []*discordgo.PermissionOverwrite{overwrite(pOwner, member, 0, all4)}},
		{name: "everyone overwrite denies send", everyone: all4,
			overwrites: []*discordgo.PermissionOverwrite{overwrite(pGuild, role, 0, send)},
			missing:    "Send Messages, Embed Links"}, // no Send Messages: no embeds either
		{name: "role overwrite allows over everyone deny", everyone: all4, roles: []string{pRoleA},
			overwrites: []*discordgo.PermissionOverwrite{
				overwrite(pGuild, role, 0, send|embed), overwrite(pRoleA, role, send|embed, 0)}},
		{name: "role allow beats another role's deny", everyone: all4, roles: []string{pRoleA, pRoleB},
			overwrites: []*discordgo.PermissionOverwrite{
				overwrite(pRoleA, role, 0, embed), overwrite(pRoleB, role, embed, 0)}},
		{name: "role deny", everyone: all4, roles: []string{pRoleA},
			overwrites: []*discordgo.PermissionOverwrite{overwrite(pRoleA, role, 0, history)},
			missing:    "Read Message History"},
		{name: "overwrite of a role not held is ignored", everyone: all4,
			overwrites: []*discordgo.PermissionOverwrite{overwrite(pRoleB, role, 0, all4)}},
		{name: "member overwrite beats role overwrites", everyone: all4, roles: []string{pRoleA},
			overwrites: []*discordgo.PermissionOverwrite{
				overwrite(pRoleA, role, 0, embed), overwrite(pBotID, member, embed, 0)}},
		{name: "member deny beats role allow", everyone: 0, roles: []string{pRoleA}, roleA: all4,
			overwrites: []*discordgo.PermissionOverwrite{
				overwrite(pRoleA, role, all4, 0), overwrite(pBotID, member, 0, history)},
			missing: "Read Message History"},
		{name: "no view channel hides everything", everyone: all4,
			overwrites: []*discordgo.PermissionOverwrite{overwrite(pBotID, member, 0, view)},
			missing:    "View Channel, Send Messages, Embed Links, Read Message History"},
		{name: "channel allows what the guild does not", everyone: 0,
			overwrites: []*discordgo.PermissionOverwrite{overwrite(pGuild, role, all4, 0)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g := &discordgo.Guild{ID: pGuild, OwnerID: pOwner, Roles: []*discordgo.Role{
				{ID: pGuild, Permissions: tc.everyone},
				{ID: pRoleA, Permissions: tc.roleA},
				{ID: pRoleB, Permissions: 0},
				{ID: pAdmin, Permissions: discordgo.PermissionAdministrator},
			}}
			user := tc.user
			if user == "" {
				user = pBotID
			}
			m := &discordgo.Member{Roles: tc.roles}
			ch := &discordgo.Channel{ID: "900", GuildID: pGuild, PermissionOverwrites: tc.overwrites}
			if got := needNames(missingNeeds(channelPermissions(g, m, user, ch))); got != tc.missing {
				t.Errorf("missing %q, want %q", got, tc.missing)
			}
		})
	}
}

// TestEmulatorBotRoleIsWhatCheckAsksFor keeps the emulator's bot role and the
// invite URL in step: a change to either must be deliberate.
func TestEmulatorBotRoleIsWhatCheckAsksFor(t *testing.T) {
	t.Parallel()
	if int64(discordtest.BotPermissions) != neededBits() {
		t.Errorf("emulator bot role %d, discarr asks for %d", discordtest.BotPermissions, neededBits())
	}
}
