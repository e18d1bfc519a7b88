package discord_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/discarr/discarr/actors/discord"
	"github.com/discarr/discarr/messages"
)

func field(t *testing.T, p discord.Payload, prefix string) *discordgo.MessageEmbedField {
	t.Helper()
	for _, f := range p.Embeds[0].Fields {
		if strings.HasPrefix(f.Name, prefix) {
			return f
		}
	}
	t.Fatalf("no field named %q*", prefix)
	return nil
}

func TestHealthFieldsSayStateSinceAndWhy(t *testing.T) {
	t.Parallel()
	board := discord.RenderHealth(healthBoard(), "", false, time.Time{})
	detail := discord.RenderHealth(healthBoard(), "", true, time.Time{})
	since := fmt.Sprintf("<t:%d:R>", now.Add(-2*time.Hour).Unix())
	tests := []struct {
		name      string
		p         discord.Payload
		field     string
		want      []string
		forbidden []string
	}{
		{"OK with the band only", board, "✅ sonarr (sonarr)",
			[]string{"**OK** since " + since + " · latency ok", "Version 4.0.19.2900"}, []string{"ms", "Checked"}},
		{"exact latency in detail", detail, "✅ sonarr (sonarr)",
			[]string{"latency 40 ms (ok)", "Checked <t:"}, nil},
		{"client transfer rates", board, "✅ qbit (qbittorrent)",
			[]string{"↓ 3.4 MiB/s · ↑ 120 KiB/s", "API 2.11.2"}, []string{"session"}},
		{"client session totals in detail", detail, "✅ qbit (qbittorrent)",
			[]string{"this session ↓ 42 GiB ↑ 7.0 GiB"}, nil},
		{"the *arr's own warnings, the first few", board, "⚠️ radarr (radarr)",
			[]string{"**Warning** since", "latency slow", "🛑 DownloadClientCheck: Unable to communicate",
				"⚠️ ImportMechanismCheck", "(+1 more)"}, []string{"IndexerStatusCheck"}},
		{"every warning in detail", detail, "⚠️ radarr (radarr)",
			[]string{"IndexerStatusCheck: Indexers unavailable due to failures: nzb\\_geek"}, []string{"more)"}},
		{"last error", board, "🛑 lidarr (lidarr)",
			[]string{"**Critical**", "latency timeout", "Last error: get system status: context deadline exceeded"}, nil},
		{"given up", board, "🛑 qbit\\_old (qbittorrent)", []string{"given up after repeated crashes"}, nil},
		{"never probed", board, "⏳ plex (plex)", []string{"**Waiting** for the first answer"},
			[]string{"since", "Unknown"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := field(t, tt.p, tt.field)
			for _, w := range tt.want {
				if !strings.Contains(f.Value, w) {
					t.Errorf("missing %q in\n%s", w, f.Value)
				}
			}
			for _, w := range tt.forbidden {
				if strings.Contains(f.Value, w) {
					t.Errorf("has %q in\n%s", w, f.Value)
				}
			}
		})
	}
}

func TestHealthColourAndWordsAgree(t *testing.T) {
	t.Parallel()
	all := healthBoard()
	unknown := slices.Clone(all.Services[3:])
	unknown[0].Err = "open CA file: no such file or directory" // its actors did not start
	waiting := append(slices.Clone(all.Services[3:4]), messages.Health{Service: "radarr", Kind: "radarr"})
	tests := []struct {
		name     string
		services []messages.Health
		colour   int
		words    string
	}{
		{"critical", all.Services, 0xE74C3C,
			"🔴 **2 critical** · 🟠 **1 warning** · ⏳ 1 waiting for the first answer · ✅ 2 OK"},
		{"warning", all.Services[2:], 0xF1A40F, "🟠 **1 warning** · ⏳ 1 waiting for the first answer · ✅ 2 OK"},
		{"unknown", unknown, 0xF1A40F, "❔ 1 unknown · ✅ 2 OK"},
		{"never probed is not all well", all.Services[3:], 0x95A5A6, "⏳ 1 waiting for the first answer · ✅ 2 OK"},
		{"none probed yet", waiting, 0x95A5A6, "⏳ 2 waiting for the first answer"},
		{"all OK", all.Services[4:], 0x2ECC71, "✅ 2 OK"},
		{"none", nil, 0x95A5A6, "No services are configured."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := messages.HealthBoard{At: now, Services: tt.services}
			e := discord.RenderHealth(b, "", false, time.Time{}).Embeds[0]
			if e.Color != tt.colour || e.Description != tt.words || e.Title != "Health" {
				t.Errorf("%q colour %#x %q, want colour %#x %q", e.Title, e.Color, e.Description, tt.colour, tt.words)
			}
		})
	}
}

func TestHealthOfOneService(t *testing.T) {
	t.Parallel()
	p := discord.RenderHealth(healthBoard(), "radarr", false, time.Time{})
	e := p.Embeds[0]
	if len(e.Fields) != 1 || !strings.HasPrefix(e.Fields[0].Name, "⚠️ radarr") {
		t.Fatalf("fields %+v, want radarr alone", e.Fields)
	}
	if !strings.Contains(e.Fields[0].Value, "850 ms") {
		t.Errorf("one service's view is not detailed: %s", e.Fields[0].Value)
	}
	if id := buttonIDs(p); fmt.Sprint(id) != "[view:health:refresh:radarr]" {
		t.Errorf("components %v", id)
	}

	p = discord.RenderHealth(healthBoard(), "sabnzbd_*", false, time.Time{})
	if got := p.Embeds[0].Description; got != "No service is named **sabnzbd\\_\\***." || len(p.Embeds[0].Fields) != 0 {
		t.Errorf("unknown service: %q, %d fields", got, len(p.Embeds[0].Fields))
	}
	if err := discord.CheckLimits(p); err != nil {
		t.Error(err)
	}
}

func buttonIDs(p discord.Payload) []string {
	var ids []string
	for _, r := range p.Components {
		for _, c := range r.(discordgo.ActionsRow).Components {
			ids = append(ids, c.(discordgo.Button).CustomID)
		}
	}
	return ids
}

func TestHealthComponents(t *testing.T) {
	t.Parallel()
	if got := buttonIDs(discord.RenderHealth(healthBoard(), "", false, time.Time{})); fmt.Sprint(got) !=
		"[board:health:refresh board:health:detail]" {
		t.Errorf("board components %v", got)
	}
	if got := buttonIDs(discord.RenderHealth(healthBoard(), "", true, time.Time{})); fmt.Sprint(got) !=
		"[view:health:refresh]" {
		t.Errorf("detailed view components %v", got)
	}
	long := strings.Repeat("x", 90)
	p := discord.RenderHealth(messages.HealthBoard{Services: []messages.Health{{Service: long}}}, long, true, time.Time{})
	if err := discord.CheckLimits(p); err != nil {
		t.Errorf("a long service name broke the limits: %v", err)
	}
}

// TestHealthOfManyServicesShowsEveryProblem: with more services than fit, every
// service that is not OK still appears, by field or by name, and the OK ones are
// summed up.
func TestHealthOfManyServicesShowsEveryProblem(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ n, bad int }{{26, 0}, {40, 3}, {200, 30}, {200, 200}, {300, 1}} {
		t.Run(fmt.Sprintf("%d services %d bad", tt.n, tt.bad), func(t *testing.T) {
			t.Parallel()
			b := manyServices(tt.n, tt.bad)
			for _, detailed := range []bool{false, true} {
				p := discord.RenderHealth(b, "", detailed, time.Time{})
				if err := discord.CheckLimits(p); err != nil {
					t.Fatalf("detailed=%v: %v", detailed, err)
				}
				var text strings.Builder
				for _, f := range p.Embeds[0].Fields {
					text.WriteString(f.Name + "\n" + f.Value + "\n")
				}
				missing := 0
				for _, h := range b.Services[:tt.bad] {
					if !strings.Contains(text.String(), strings.ReplaceAll(h.Service, "_", "\\_")) {
						missing++
					}
				}
				// The summary of problems ends in "…" when even their names do not
				// fit; then it must still say how many there are.
				last := p.Embeds[0].Fields[len(p.Embeds[0].Fields)-1]
				if missing > 0 && !strings.Contains(text.String(), "more services need attention") {
					t.Errorf("detailed=%v: %d problems neither shown nor counted", detailed, missing)
				}
				if tt.n > tt.bad && !strings.Contains(last.Name, "OK") {
					t.Errorf("detailed=%v: last field %q does not sum up the OK services", detailed, last.Name)
				}
			}
		})
	}
}
