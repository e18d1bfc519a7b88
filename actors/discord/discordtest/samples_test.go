package discordtest_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/discarr/discarr/actors/discord/discordtest"
)

// specsDir finds ../shared/specs next to the repository root, skipping (or failing
// under CI=true) when it is absent.
func specsDir(t *testing.T) string {
	t.Helper()
	dir, _ := os.Getwd()
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test directory")
		}
		dir = parent
	}
	specs := filepath.Join(dir, "..", "shared", "specs")
	if _, err := os.Stat(filepath.Join(specs, "samples")); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("Discord samples missing at %s under CI: %v", specs, err)
		}
		t.Skipf("Discord samples missing at %s, so the emulator cannot be compared with them: %v", specs, err)
	}
	return specs
}

func sample(t *testing.T, name string) any {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(specsDir(t), "samples", name))
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return v
}

// sameShape reports every key of the sample that ours lacks or holds with another
// JSON type; null on either side matches anything.
func sameShape(t *testing.T, path string, sample, ours any) {
	t.Helper()
	if sample == nil || ours == nil {
		return
	}
	switch s := sample.(type) {
	case map[string]any:
		o, ok := ours.(map[string]any)
		if !ok {
			t.Errorf("%s: sample has an object, emulator %T", path, ours)
			return
		}
		for k, v := range s {
			if k == "_note" || k == "_headers" {
				continue
			}
			ov, ok := o[k]
			if !ok {
				t.Errorf("%s.%s: in the sample, not in the emulator's", path, k)
				continue
			}
			sameShape(t, path+"."+k, v, ov)
		}
	case []any:
		o, ok := ours.([]any)
		if !ok {
			t.Errorf("%s: sample has an array, emulator %T", path, ours)
			return
		}
		if len(s) > 0 && len(o) > 0 {
			sameShape(t, path+"[0]", s[0], o[0])
		}
	default:
		if kind(sample) != kind(ours) {
			t.Errorf("%s: sample %T, emulator %T", path, sample, ours)
		}
	}
}

// firstErrors finds the first "_errors" list in a 50035 error tree.
func firstErrors(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	if list, ok := m["_errors"]; ok {
		return list
	}
	for _, child := range m {
		if found := firstErrors(child); found != nil {
			return found
		}
	}
	return nil
}

func kind(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "bool"
	}
	return "other"
}

func decodeJSON(t *testing.T, raw string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		t.Fatalf("decode %q: %v", raw, err)
	}
	return v
}

// TestEmulatorMatchesDiscordSamples compares what the emulator sends with Discord's
// documented example payloads, key by key, and decodes both with discordgo.
func TestEmulatorMatchesDiscordSamples(t *testing.T) {
	t.Parallel()
	specsDir(t)
	e := discordtest.Start(t, discordtest.Options{RateLimits: map[string]discordtest.RateLimit{
		discordtest.RouteMessageCreate: {Limit: 1, Window: 60e9},
	}})
	botUnderTest(t, e, func(s *discordgo.Session, i *discordgo.InteractionCreate) { _ = reply(s, i) })
	if _, err := e.Interact(ctx(t), discordtest.InteractRequest{Command: "downloads", Options: map[string]any{"filter": "tv"}}); err != nil {
		t.Fatal(err)
	}
	frames := map[string]any{}
	for _, f := range e.Frames() {
		key := f.Type
		if key == "" {
			key = map[int]string{10: "hello", 11: "ack", 1: "heartbeat", 2: "identify"}[f.Op]
		}
		if _, seen := frames[key]; !seen && f.Op >= 0 {
			frames[key] = decodeJSON(t, f.Raw)
		}
	}
	var msg, gw, gwBot, limited, invalid any
	ch := "/api/v9/channels/" + e.Info().ChannelID + "/messages"
	api(t, e, "GET", "/api/v9/gateway", "", nil, &gw)
	api(t, e, "GET", "/api/v9/gateway/bot", bot(e), nil, &gwBot)
	api(t, e, "POST", ch, bot(e), map[string]any{"content": "hi"}, &msg)
	api(t, e, "POST", ch, bot(e), map[string]any{"content": "hi"}, &limited)
	api(t, e, "PATCH", ch+"/1", bot(e), map[string]any{"embeds": "x"}, &invalid)
	interaction := frames["INTERACTION_CREATE"].(map[string]any)["d"]

	tests := []struct {
		sample string
		ours   any
	}{
		{"discord-gateway-hello.json", frames["hello"]},
		{"discord-gateway-heartbeat-ack.json", frames["ack"]},
		{"discord-gateway-heartbeat.json", frames["heartbeat"]},
		{"discord-gateway-dispatch-envelope.json", frames["READY"]},
		{"discord-get-gateway.json", gw},
		{"discord-get-gateway-bot.json", gwBot},
		{"discord-message.json", msg},
		{"discord-interaction-slash-command.json", interaction},
		{"discord-ratelimit-429-user.json", map[string]any{"body": limited}},
		{"discord-error-50035-object.json", invalid},
	}
	for _, tt := range tests {
		t.Run(tt.sample, func(t *testing.T) {
			t.Parallel()
			if tt.ours == nil {
				t.Fatal("the emulator produced nothing to compare")
			}
			s := sample(t, tt.sample)
			switch tt.sample {
			case "discord-message.json":
				delete(s.(map[string]any), "reactions") // a fresh message has none
			case "discord-error-50035-object.json":
				// Field names differ; the leaves must look alike.
				sameShape(t, "errors", firstErrors(s), firstErrors(tt.ours))
				s.(map[string]any)["errors"] = map[string]any{}
			}
			sameShape(t, "", s, tt.ours)
		})
	}

	t.Run("interaction decodes alike", func(t *testing.T) {
		t.Parallel()
		for name, v := range map[string]any{"sample": sample(t, "discord-interaction-slash-command.json"), "emulator": interaction} {
			raw, _ := json.Marshal(v)
			var i discordgo.Interaction
			if err := json.Unmarshal(raw, &i); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			d := i.ApplicationCommandData()
			if i.Member == nil || i.Member.User == nil || i.AppPermissions == 0 || d.Name == "" ||
				len(d.Options) != 1 || d.Options[0].StringValue() == "" {
				t.Errorf("%s decoded to %+v data %+v", name, i, d)
			}
		}
	})
}

// TestSampleIdentifyIsAccepted sends Discord's example IDENTIFY, with the emulator's
// token, and expects READY with the sample's intents remembered.
func TestSampleIdentifyIsAccepted(t *testing.T) {
	t.Parallel()
	id := sample(t, "discord-gateway-identify-minimal.json").(map[string]any)
	e := discordtest.Start(t, discordtest.Options{})
	c := dial(t, e)
	c.read(t) // HELLO
	id["d"].(map[string]any)["token"] = e.Info().Token
	c.send(t, id)
	ready := c.read(t)
	if ready["t"] != "READY" || ready["s"] != 1.0 {
		t.Fatalf("after the sample IDENTIFY: %v", ready)
	}
	if guild := c.read(t); guild["t"] != "GUILD_CREATE" {
		t.Fatalf("second dispatch %v", guild)
	}
	c.send(t, sample(t, "discord-gateway-heartbeat.json"))
	if ack := c.read(t); ack["op"] != 11.0 {
		t.Fatalf("heartbeat answered %v", ack)
	}
}
