package discordtest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/discarr/discarr/actors/discord/discordtest"
)

// session returns a discordgo Session pointed at the emulator, not yet opened.
func session(t *testing.T, e *discordtest.Emulator) *discordgo.Session {
	t.Helper()
	s, err := discordgo.New("Bot " + e.Info().Token)
	if err != nil {
		t.Fatal(err)
	}
	s.Client = &http.Client{Transport: e.Transport(nil), Timeout: 10 * time.Second}
	s.Identify.Intents = discordgo.IntentsGuilds | discordgo.IntentsGuildMessages
	s.ShouldReconnectOnError = false
	s.LogLevel = -1
	// discordgo's state tracker writes into the same Guild values handlers receive.
	s.StateEnabled = false
	return s
}

// open connects s and closes it when the test ends.
func open(t *testing.T, e *discordtest.Emulator, s *discordgo.Session) {
	t.Helper()
	if err := s.Open(); err != nil {
		t.Fatalf("open session: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	if !e.WaitConnected(5 * time.Second) {
		t.Fatal("emulator never saw the session identify")
	}
}

// api sends a REST request to the emulator and decodes a JSON answer into out.
func api(t *testing.T, e *discordtest.Emulator, method, path, auth string, body any, out any) *http.Response {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		if s, ok := body.(string); ok {
			b = []byte(s)
		}
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, strings.TrimSuffix(e.URL(), "/")+path, rd)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if out != nil && len(raw) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: decode %q: %v", method, path, raw, err)
		}
	}
	return resp
}

func bot(e *discordtest.Emulator) string { return "Bot " + e.Info().Token }

// waitUntil polls cond until it holds or the deadline passes.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return c
}
