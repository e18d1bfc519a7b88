package discord_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/discarr/discarr/actors/discord"
	"github.com/discarr/discarr/messages"
)

// TestDownloadsNeverSayNothingWhileServicesArePending: a service that has not
// answered may hold anything, so the board says it is being asked instead of
// "nothing is downloading", and is not "all well" either. Nor does it say so while
// a service fails without ever having answered.
func TestDownloadsNeverSayNothingWhileServicesArePending(t *testing.T) {
	t.Parallel()
	failed := pendingBoard()
	failed.Services[0].Err = "dial tcp 127.0.0.1:8080: connect: connection refused"
	tests := []struct {
		name      string
		b         messages.DownloadsBoard
		v         discord.View
		colour    int
		header    string
		forbidden []string
	}{
		{"nobody answered yet", pendingBoard(), discord.View{}, 0x95A5A6,
			"⏳ Waiting for the first answer from qbit, radarr, sonarr", []string{"Nothing"}},
		{"nobody answered, filtered", pendingBoard(), discord.View{Filter: messages.FilterTV}, 0x95A5A6,
			"⏳ Waiting for the first answer from qbit, radarr, sonarr", []string{"Nothing"}},
		{"some answered", partlyPendingBoard(), discord.View{}, 0x95A5A6,
			"3 downloading · ⏳ Waiting for the first answer from qbit, radarr", []string{"All well", "Nothing"}},
		{"a failed first poll is not pending", failed, discord.View{}, 0xE74C3C,
			"🔴 **1 service failing** · ⏳ Waiting for the first answer from radarr, sonarr",
			[]string{"qbit,", "Nothing"}},
		{"failing without data says nothing of downloads", messages.DownloadsBoard{At: now,
			Services: []messages.ServiceLine{{Service: "sonarr", Kind: "sonarr", Err: "HTTP 503"}}},
			discord.View{}, 0xE74C3C, "🔴 **1 service failing**", []string{"Nothing", "Waiting"}},
		{"failing with its last data shown", messages.DownloadsBoard{At: now,
			Services: []messages.ServiceLine{{Service: "sonarr", Kind: "sonarr", Err: "HTTP 503",
				Polled: now.Add(-time.Minute), StaleSince: now.Add(-time.Minute)}}},
			discord.View{}, 0xF1A40F, "🟠 **1 service stale** · Nothing is downloading.", []string{"Waiting"}},
		{"every service answered, nothing downloads", messages.DownloadsBoard{At: now,
			Services: []messages.ServiceLine{{Service: "sonarr", Kind: "sonarr", Polled: now}}},
			discord.View{}, 0x95A5A6, "Nothing is downloading.", []string{"Waiting"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := discord.RenderDownloads(tt.b, tt.v, time.Time{}).Embeds[0]
			header, _, _ := strings.Cut(e.Description, "\n")
			if e.Color != tt.colour || header != tt.header {
				t.Errorf("colour %#x header %q, want %#x %q", e.Color, header, tt.colour, tt.header)
			}
			for _, w := range tt.forbidden {
				if strings.Contains(e.Description, w) {
					t.Errorf("description says %q:\n%s", w, e.Description)
				}
			}
		})
	}
}

// TestPendingNamesAreBoundedAndEscaped: hundreds of services not answering yet, with
// long names full of markdown, still make a short header and a page that fits.
func TestPendingNamesAreBoundedAndEscaped(t *testing.T) {
	t.Parallel()
	worst := messages.Download{Title: strings.Repeat("_", 500), Reason: strings.Repeat("*", 500),
		RawState: strings.Repeat("`", 500), State: "new-state", Warning: true, Size: 1 << 40, Left: 1}
	b := messages.DownloadsBoard{At: now}
	for range 50 {
		b.Downloads = append(b.Downloads, worst)
	}
	for i := range 300 {
		b.Services = append(b.Services, messages.ServiceLine{Service: fmt.Sprintf("*_%03d_%s", i,
			strings.Repeat("`", 100))})
	}
	for i := range 200 {
		b.Services = append(b.Services, messages.ServiceLine{Service: strings.Repeat("_", 300),
			Err: strings.Repeat("<", 3000), StaleSince: now.Add(-time.Duration(i) * time.Hour / 20)})
	}
	p := discord.RenderDownloads(b, discord.View{Page: 2}, now)
	if err := discord.CheckLimits(p); err != nil {
		t.Fatal(err)
	}
	header, _, _ := strings.Cut(p.Embeds[0].Description, "\n")
	if !strings.Contains(header, "Waiting for the first answer from \\*\\_000\\_") || !strings.HasSuffix(header, "…") {
		t.Errorf("header does not name the first pending service escaped, then cut:\n%s", header)
	}
	if got := strings.Count(p.Embeds[0].Description, "\n\n"); got != discord.PageSize {
		t.Errorf("page holds %d items, want %d", got, discord.PageSize)
	}
}

// TestHealthSaysWhichServicesWereNeverProbed: a service never probed is waiting for
// its first answer, not "unknown"; one whose actors did not start, or were given up
// on, is not waiting.
func TestHealthSaysWhichServicesWereNeverProbed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		h     messages.Health
		field string
		value string
	}{
		{"never probed", messages.Health{Service: "sonarr", Kind: "sonarr", Since: now},
			"⏳ sonarr (sonarr)", "**Waiting** for the first answer"},
		{"did not start", messages.Health{Service: "sonarr", Kind: "sonarr", Since: now,
			Err: "open CA file: no such file"}, "❔ sonarr (sonarr)", "**Unknown** since"},
		{"given up", messages.Health{Service: "sonarr", Kind: "sonarr", State: messages.HealthCritical,
			Failed: true, Since: now}, "🛑 sonarr (sonarr)", "**Critical** since"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := discord.RenderHealth(messages.HealthBoard{At: now, Services: []messages.Health{tt.h}},
				"", false, time.Time{})
			f := field(t, p, tt.field)
			if !strings.HasPrefix(f.Value, tt.value) {
				t.Errorf("field %q = %q, want it to start %q", f.Name, f.Value, tt.value)
			}
		})
	}
}
