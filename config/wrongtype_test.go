package config_test

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/discarr/discarr/config"
)

// wrongValues holds, per service key, a value of the wrong type and the start of the
// one problem it must give.
var wrongValues = map[string]struct{ value, msg string }{
	"kind":                 {"[a, b]", "must be a single value"},
	"url":                  {"[a, b]", "must be a single value"},
	"api_key":              {"[a, b]", "must be a single value"},
	"api_key_file":         {"[a, b]", "must be a single value"},
	"username":             {"[a, b]", "must be a single value"},
	"password":             {"[a, b]", "must be a single value"},
	"password_file":        {"[a, b]", "must be a single value"},
	"interval":             {"fast", `invalid duration "fast"`},
	"timeout":              {"10", "duration 10 has no unit"},
	"ca_file":              {"{a: b}", "must be a single value"},
	"insecure_skip_verify": {"maybe", "must be true or false"},
	"include_unknown":      {`"yes"`, "must be true or false"},
}

// validServices are one valid entry per way of logging in.
var validServices = map[string]map[string]string{
	"api key":        {"kind": "sonarr", "url": `"http://127.0.0.1:8989"`, "api_key": "k"},
	"login optional": {"kind": "qbittorrent", "url": `"http://127.0.0.1:8080"`, "username": "admin", "password": "pw"},
	"password only":  {"kind": "deluge", "url": `"http://127.0.0.1:8112"`, "password": "pw"},
}

// TestWrongTypeKeepsServiceChecks sets each service key in turn to a value of the wrong
// type next to a second, unrelated problem in the same service: both must be reported,
// and nothing else, so the key that failed to decode gives no follow-on problem
// (such as "required" or "out of range") and hides nothing.
func TestWrongTypeKeepsServiceChecks(t *testing.T) {
	t.Parallel()
	for auth, fields := range validServices {
		for key, wrong := range wrongValues {
			t.Run(auth+"/"+key, func(t *testing.T) {
				t.Parallel()
				entry := maps.Clone(fields)
				entry[key] = wrong.value
				// The unrelated problem: a query in the URL, or an interval too short.
				siblingKey, siblingMsg := "url", "must not contain a query"
				if key == "url" {
					siblingKey, siblingMsg = "interval", "1s is out of range"
					entry["interval"] = "1s"
				} else {
					entry["url"] = `"http://127.0.0.1:1234/?apikey=x"`
				}
				_, err := load(t, serviceYAML("svc", entry))

				var ce *config.Error
				if !errors.As(err, &ce) {
					t.Fatalf("Load error = %v, want *config.Error", err)
				}
				want := map[string]string{
					"services.svc." + key:        wrong.msg,
					"services.svc." + siblingKey: siblingMsg,
				}
				if len(ce.Problems) != len(want) {
					t.Fatalf("got %d problems, want %d:\n%v", len(ce.Problems), len(want), err)
				}
				for _, p := range ce.Problems {
					if msg, ok := want[p.Key]; !ok || !strings.HasPrefix(p.Message, msg) {
						t.Errorf("problem %s: %s, want one starting %q\n%v", p.Key, p.Message, msg, err)
					}
				}
			})
		}
	}
}

// serviceYAML renders a config with one service whose keys and YAML values are entry.
func serviceYAML(name string, entry map[string]string) string {
	var pairs []string
	for _, k := range slices.Sorted(maps.Keys(entry)) {
		pairs = append(pairs, k+": "+entry[k])
	}
	return fmt.Sprintf("discord: {token: t, guild_id: \"123\", channel_id: \"456\"}\n"+
		"services:\n  %s: {%s}\n", name, strings.Join(pairs, ", "))
}
