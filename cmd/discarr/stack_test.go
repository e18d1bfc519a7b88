package main

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/discarr/discarr/actors/discord/discordtest"
	"github.com/discarr/discarr/actors/service/servicetest"
)

// Credentials of the simulated services.
const (
	testSonarrKey = "sonarr-check-key-0001"
	testRadarrKey = "radarr-check-key-0002"
	testQbitPass  = "qbit-check-pass-0003"
)

// testStack is the Discord emulator and one simulated service of each kind discarr
// polls, for running discarr's commands against.
type testStack struct {
	emu    *discordtest.Emulator
	sonarr *servicetest.Arr
	radarr *servicetest.Arr
	qbit   *servicetest.QBittorrent
	cfg    testConfig
}

func newTestStack(t *testing.T) *testStack {
	t.Helper()
	s := &testStack{
		emu:    discordtest.Start(t, discordtest.Options{SpecUndeclared: true}),
		sonarr: servicetest.NewSonarr(servicetest.ArrOptions{APIKey: testSonarrKey}),
		radarr: servicetest.NewRadarr(servicetest.ArrOptions{APIKey: testRadarrKey}),
		qbit:   servicetest.NewQBittorrent(servicetest.QBOptions{Username: "admin", Password: testQbitPass}),
	}
	info := s.emu.Info()
	s.cfg = testConfig{
		token: info.Token, guildID: info.GuildID, channelID: info.ChannelID, apiURL: info.APIURL,
		sonarrURL: servicetest.Serve(t, s.sonarr).URL, sonarrKey: testSonarrKey,
		radarrURL: servicetest.Serve(t, s.radarr).URL, radarrKey: testRadarrKey,
		qbitURL: servicetest.Serve(t, s.qbit).URL, qbitPass: testQbitPass,
		stateDir: filepath.Join(t.TempDir(), "state"),
	}
	return s
}

// testConfig fills discarr's configuration file for a test.
type testConfig struct {
	token, guildID, channelID, apiURL string
	sonarrURL, sonarrKey              string
	radarrURL, radarrKey              string
	qbitURL, qbitPass                 string
	stateDir                          string
	interval, timeout                 string // of every service; "" is 5s and 2s
	extra                             string // more YAML, appended
}

// write saves the configuration in a fresh directory and returns its path.
func (c testConfig) write(t *testing.T) string {
	t.Helper()
	interval, timeout := c.interval, c.timeout
	if interval == "" {
		interval = "5s"
	}
	if timeout == "" {
		timeout = "2s"
	}
	yaml := fmt.Sprintf(`
discord:
  token: %q
  guild_id: %q
  channel_id: %q
  api_url: %q
  board_refresh: 2s
services:
  sonarr: { kind: sonarr, url: %q, api_key: %q, interval: INTERVAL, timeout: TIMEOUT }
  radarr: { kind: radarr, url: %q, api_key: %q, interval: INTERVAL, timeout: TIMEOUT }
  qbit: { kind: qbittorrent, url: %q, username: admin, password: %q, interval: INTERVAL, timeout: TIMEOUT }
state_dir: %q
%s`, c.token, c.guildID, c.channelID, c.apiURL, c.sonarrURL, c.sonarrKey, c.radarrURL,
		c.radarrKey, c.qbitURL, c.qbitPass, c.stateDir, c.extra)
	yaml = strings.NewReplacer("INTERVAL", interval, "TIMEOUT", timeout).Replace(yaml)
	path := filepath.Join(t.TempDir(), "discarr.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// closedPort returns a 127.0.0.1 URL where nothing listens.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr
}
