package config_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/discarr/discarr/config"
)

// base is a minimal valid file that the tests extend.
const base = `
discord: {token: file-token, guild_id: "123", channel_id: "456"}
services:
  sonarr: {kind: sonarr, url: "http://127.0.0.1:8989", api_key: file-key}
`

// load writes content as discarr.yaml in a fresh directory and loads it with environ.
func load(t *testing.T, content string, environ ...string) (*config.Config, error) {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, dir, "discarr.yaml", content)
	return config.Load(config.LoadOptions{WorkDir: dir, Environ: append([]string{}, environ...)})
}

func mustLoad(t *testing.T, content string, environ ...string) *config.Config {
	t.Helper()
	cfg, err := load(t, content, environ...)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return cfg
}

func TestEnvOverrides(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		env   []string
		check func(t *testing.T, c *config.Config)
	}{
		{"env overrides a file value", []string{"DISCARR_SERVICES__SONARR__API_KEY=env-key"},
			func(t *testing.T, c *config.Config) {
				if got := c.Services["sonarr"].APIKey.Reveal(); got != "env-key" {
					t.Errorf("api_key = %q, want env-key", got)
				}
			}},
		{"env creates a service", []string{
			"DISCARR_SERVICES__QBIT__KIND=qbittorrent",
			"DISCARR_SERVICES__QBIT__URL=http://127.0.0.1:8080/",
			"DISCARR_SERVICES__QBIT__INTERVAL=1m",
		}, func(t *testing.T, c *config.Config) {
			q, ok := c.Services["qbit"]
			if !ok {
				t.Fatalf("no qbit service; services: %v", c.ServiceNames())
			}
			if q.Name != "qbit" || q.Kind != "qbittorrent" || q.URL.String() != "http://127.0.0.1:8080" ||
				q.Interval != time.Minute || q.Timeout != 10*time.Second {
				t.Errorf("qbit = %+v", q)
			}
		}},
		{"double underscore nests and keys are lower-cased", []string{
			"DISCARR_LOG__LEVEL=DEBUG", "DISCARR_LOG__FORMAT=json", "DISCARR_DISCORD__BOARD_REFRESH=5s",
			"DISCARR_SERVICES__SONARR__INSECURE_SKIP_VERIFY=false",
			"DISCARR_SERVICES__SONARR__INCLUDE_UNKNOWN=true",
		}, func(t *testing.T, c *config.Config) {
			if c.Log.Level.String() != "DEBUG" || c.Log.Format != "json" ||
				c.Discord.BoardRefresh != 5*time.Second || !c.Services["sonarr"].IncludeUnknown {
				t.Errorf("log = %+v, board_refresh = %v, sonarr = %+v",
					c.Log, c.Discord.BoardRefresh, c.Services["sonarr"])
			}
		}},
		{"comma-separated lists", []string{
			"DISCARR_DISCORD__ADMIN_ROLE_IDS=11, 22,33,", "DISCARR_DISCORD__ADMIN_USER_IDS=44",
		},
			func(t *testing.T, c *config.Config) {
				if !slices.Equal(c.Discord.AdminRoleIDs, []string{"11", "22", "33"}) ||
					!slices.Equal(c.Discord.AdminUserIDs, []string{"44"}) {
					t.Errorf("admin_role_ids = %q, admin_user_ids = %q",
						c.Discord.AdminRoleIDs, c.Discord.AdminUserIDs)
				}
			}},
		{"variables without the prefix are ignored",
			[]string{"HOME=/root", "SONARR__API_KEY=x", "DISCARR=1"},
			func(t *testing.T, c *config.Config) {
				if got := c.Services["sonarr"].APIKey.Reveal(); got != "file-key" {
					t.Errorf("api_key = %q, want file-key", got)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.check(t, mustLoad(t, base, tt.env...))
		})
	}
}

func TestDefaultsApplied(t *testing.T) {
	t.Parallel()
	c := mustLoad(t, base)
	s := c.Services["sonarr"]
	checks := []struct {
		name      string
		got, want any
	}{
		{"alerts_channel_id", c.Discord.AlertsChannelID, "456"},
		{"api_url", c.Discord.APIURL.String(), "https://discord.com"},
		{"board_refresh", c.Discord.BoardRefresh, 30 * time.Second},
		{"interval", s.Interval, 30 * time.Second},
		{"timeout", s.Timeout, 10 * time.Second},
		{"log.level", c.Log.Level.String(), "INFO"},
		{"log.format", c.Log.Format, "auto"},
		{"metrics.listen", c.Metrics.Listen, ""},
		{"state_dir is ./state", filepath.Base(c.StateDir), "state"},
		{"admin_role_ids", len(c.Discord.AdminRoleIDs), 0},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s = %v, want %v", ch.name, ch.got, ch.want)
		}
	}
	if !filepath.IsAbs(c.StateDir) || !filepath.IsAbs(c.Source) {
		t.Errorf("state_dir %q and source %q must be absolute", c.StateDir, c.Source)
	}
}

func TestStateDir(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, yaml string
		opts       config.LoadOptions
		env        []string
		want       string
	}{
		{"STATE_DIRECTORY from the environment", "", config.LoadOptions{},
			[]string{"STATE_DIRECTORY=/var/lib/discarr:/var/lib/other"}, "/var/lib/discarr"},
		{"StateDirEnv option", "", config.LoadOptions{StateDirEnv: "/srv/state"},
			[]string{"STATE_DIRECTORY=/ignored"}, "/srv/state"},
		{"state_dir wins", "state_dir: /opt/discarr\n", config.LoadOptions{},
			[]string{"STATE_DIRECTORY=/ignored"}, "/opt/discarr"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			writeFile(t, dir, "discarr.yaml", base+tt.yaml)
			tt.opts.WorkDir, tt.opts.Environ = dir, tt.env
			c, err := config.Load(tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if c.StateDir != tt.want {
				t.Errorf("StateDir = %q, want %q", c.StateDir, tt.want)
			}
		})
	}
}

func TestFileLookup(t *testing.T) {
	t.Parallel()
	t.Run("explicit path must exist", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "nope.yaml")
		_, err := config.Load(config.LoadOptions{Path: path, Environ: []string{}})
		var ce *config.Error
		if !errors.Is(err, fs.ErrNotExist) || errors.As(err, &ce) {
			t.Fatalf("err = %v, want a not-exist error that is not a *config.Error", err)
		}
	})
	t.Run("relative path resolves against WorkDir", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		want := writeFile(t, dir, "conf/other.yaml", base)
		opts := config.LoadOptions{Path: "conf/other.yaml", WorkDir: dir, Environ: []string{}}
		c, err := config.Load(opts)
		if err != nil || c.Source != want {
			t.Fatalf("Source = %v (err %v), want %s", c, err, want)
		}
	})
	t.Run("no file means environment only", func(t *testing.T) {
		t.Parallel()
		if _, err := os.Stat(config.SystemPath); err == nil {
			t.Skipf("%s exists on this machine, so Load would read it", config.SystemPath)
		}
		c, err := config.Load(config.LoadOptions{WorkDir: t.TempDir(), Environ: []string{
			"DISCARR_DISCORD__TOKEN=env-token", "DISCARR_DISCORD__GUILD_ID=1",
			"DISCARR_DISCORD__CHANNEL_ID=2",
		}})
		if err != nil {
			t.Fatal(err)
		}
		if c.Source != "" || c.Discord.Token.Reveal() != "env-token" || len(c.Services) != 0 {
			t.Errorf("Source = %q, token set = %v, services = %v",
				c.Source, c.Discord.Token.IsSet(), c.ServiceNames())
		}
	})
}

func TestSecretFiles(t *testing.T) {
	t.Parallel()
	const yaml = `
discord: {token_file: token, guild_id: "123", channel_id: "456"}
services:
  qbit: {kind: qbittorrent, url: "http://127.0.0.1:8080", username: admin,
         password_file: sub/qbit-pass}
  sonarr: {kind: sonarr, url: "http://127.0.0.1:8989", api_key_file: ABS}
`
	tests := []struct {
		name     string
		useCreds bool // relative files live in the credentials directory, not next to the file
		viaEnv   bool // the credentials directory comes from $CREDENTIALS_DIRECTORY
	}{
		{"relative to the config file's directory", false, false},
		{"relative to LoadOptions.CredentialsDir", true, false},
		{"relative to $CREDENTIALS_DIRECTORY", true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			confDir, creds := t.TempDir(), t.TempDir()
			secretDir := confDir
			if tt.useCreds {
				secretDir = creds
			}
			writeFile(t, secretDir, "token", "Bot the-token \n")
			writeFile(t, secretDir, "sub/qbit-pass", "the-pass\r\n\n")
			abs := writeFile(t, t.TempDir(), "sonarr-key", "the-key")
			path := writeFile(t, confDir, "discarr.yaml", strings.ReplaceAll(yaml, "ABS", abs))

			opts := config.LoadOptions{Path: path, Environ: []string{}}
			switch {
			case tt.viaEnv:
				opts.Environ = []string{"CREDENTIALS_DIRECTORY=" + creds}
			case tt.useCreds:
				opts.CredentialsDir = creds
			}
			c, err := config.Load(opts)
			if err != nil {
				t.Fatal(err)
			}
			got := []string{c.Discord.Token.Reveal(), c.Services["qbit"].Password.Reveal(),
				c.Services["sonarr"].APIKey.Reveal()}
			if want := []string{"the-token", "the-pass", "the-key"}; !slices.Equal(got, want) {
				t.Errorf("secrets = %q, want %q", got, want)
			}
		})
	}
}

// TestNullKeysKeepDefaults: a key written without a value is absent, not a zero.
func TestNullKeysKeepDefaults(t *testing.T) {
	t.Parallel()
	c := mustLoad(t, base+"log:\n  level:\nmetrics:\nstate_dir:\n")
	if c.Log.Level.String() != "INFO" || c.Log.Format != "auto" || filepath.Base(c.StateDir) != "state" {
		t.Errorf("log = %+v, state_dir = %q: want the defaults", c.Log, c.StateDir)
	}
}
