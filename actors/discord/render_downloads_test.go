package discord_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/discarr/discarr/actors/discord"
	"github.com/discarr/discarr/messages"
)

func oneDownload(d messages.Download) messages.DownloadsBoard {
	d.Key, d.Service, d.Kind = "sonarr/1", "sonarr", "sonarr"
	if d.Title == "" {
		d.Title = "Show.Name.S01E01.1080p"
	}
	return messages.DownloadsBoard{At: now, Downloads: []messages.Download{d},
		Services: []messages.ServiceLine{{Service: "sonarr", Kind: "sonarr", Count: 1, Total: 1, Polled: now}}}
}

func description(p discord.Payload) string { return p.Embeds[0].Description }

func TestDownloadItemSaysWhenItFinishes(t *testing.T) {
	t.Parallel()
	infinite := messages.ETA{Kind: messages.ETAInfinite}
	tests := []struct {
		name      string
		d         messages.Download
		want      []string
		forbidden []string
	}{
		{"known ETA as a Discord timestamp", messages.Download{State: messages.StateDownloading,
			Size: 4 * gib, Left: 3 * gib, Speed: 3*mib + 400*kib,
			ETA: messages.KnownETA(now.Add(10*time.Minute + 20*time.Second))},
			[]string{"25%", "1.0 GiB / 4.0 GiB", "3.4 MiB/s", fmt.Sprintf("ETA <t:%d:R>", now.Add(10*time.Minute).Unix())},
			nil},
		{"no timeleft: unknown ETA and 0 %", messages.Download{State: messages.StateDownloading,
			Size: 2 * gib, Left: 2 * gib}, []string{"0%", "ETA unknown"}, []string{"<t:"}},
		{"eta sentinel of a stalled torrent", messages.Download{State: messages.StateStalled,
			Size: 100, Left: 100, ETA: infinite}, []string{"Stalled", "∞ stalled"}, []string{"<t:", "days"}},
		{"queued with the client's infinite ETA only waits", messages.Download{State: messages.StateQueued,
			Size: 100, Left: 100, ETA: infinite}, []string{"Queued"}, []string{"∞", "stalled", "<t:"}},
		{"stalled without any ETA", messages.Download{State: messages.StateStalled, Size: 100, Left: 30},
			[]string{"70%", "∞ stalled"}, []string{"<t:"}},
		{"seeding has no ETA whatever the client says", messages.Download{State: messages.StateSeeding,
			Size: 100, Left: 0, ETA: infinite}, []string{"100%", "Seeding"}, []string{"∞", "ETA", "<t:"}},
		{"completed with unknown size is full", messages.Download{State: messages.StateCompleted, Left: -1},
			[]string{"100%", "Completed"}, []string{"ETA"}},
		{"idle transmission torrent (eta -1, -2)", messages.Download{State: messages.StateQueued,
			Size: 10, Left: 7}, []string{"30%", "Queued"}, []string{"ETA", "s ", "<t:"}},
		{"ETA already passed", messages.Download{State: messages.StateDownloading, Size: 10, Left: 1,
			ETA: messages.KnownETA(now.Add(-time.Minute))}, []string{"finishing now"}, []string{"<t:"}},
		{"paused shows no ETA", messages.Download{State: messages.StatePaused, Size: 10, Left: 5, ETA: infinite},
			[]string{"Paused"}, []string{"∞", "ETA"}},
		{"unknown state shows the service's word and reason", messages.Download{State: messages.StateUnknown,
			RawState: "downloadClientUnavailable", Reason: "Download client is unavailable", Left: -1},
			[]string{"❔", "downloadClientUnavailable", "↳ Download client is unavailable", "size unknown"}, nil},
		{"downloading with an import warning keeps its ETA and a badge", messages.Download{
			State: messages.StateDownloading, Warning: true, Size: 1000, Left: 400, Reason: "<reason>",
			ETA: messages.KnownETA(now.Add(2 * time.Hour))},
			[]string{"⚠️", "60%", "ETA <t:", "↳ \\<reason\\>"}, []string{"manual"}},
		{"import blocked needs a person", messages.Download{State: messages.StateImportBlocked,
			Size: 1000, Left: 0, Reason: "Not an upgrade for existing episode file(s)"},
			[]string{"🚧", "Needs manual import", "↳ Not an upgrade for existing episode file\\(s\\)"}, []string{"ETA"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := description(discord.RenderDownloads(oneDownload(tt.d), discord.View{}, time.Time{}))
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("missing %q in\n%s", w, got)
				}
			}
			for _, f := range tt.forbidden {
				if strings.Contains(got, f) {
					t.Errorf("has %q in\n%s", f, got)
				}
			}
		})
	}
}

func TestDownloadItemEscapesMarkdownAndCutsLongTitles(t *testing.T) {
	t.Parallel()
	title := "Show_Name*S01E01*[1080p](x)~~|>`code`<@&123>" + strings.Repeat("_long", 60)
	got := description(discord.RenderDownloads(oneDownload(messages.Download{Title: title,
		State: messages.StateQueued}), discord.View{}, time.Time{}))
	want := "**Show\\_Name\\*S01E01\\*\\[1080p\\]\\(x\\)\\~\\~\\|\\>\\`code\\`\\<@&123\\>"
	if !strings.Contains(got, want) {
		t.Errorf("title not escaped: want %q in\n%s", want, got)
	}
	line := strings.Split(got, "\n")[2]
	if !strings.HasSuffix(line, "…**") || discord.Runes(line) > 140 {
		t.Errorf("long title not cut to a short line: %d runes %q", discord.Runes(line), line)
	}
}

func TestDownloadsCountWhatServicesReported(t *testing.T) {
	t.Parallel()
	b := messages.DownloadsBoard{At: now, Services: []messages.ServiceLine{
		{Service: "radarr", Kind: "radarr", Count: 10, Total: 45, Polled: now}}}
	for i := range 10 {
		b.Downloads = append(b.Downloads, messages.Download{Key: fmt.Sprint("radarr/", i), Title: fmt.Sprint("Movie ", i),
			Media: messages.MediaMovie, State: messages.StateDownloading, Size: 10, Left: 5})
	}
	p := discord.RenderDownloads(b, discord.View{}, time.Time{})
	if got := p.Embeds[0].Footer.Text; got != "Page 1/1 · 45 downloads · filter: all" {
		t.Errorf("footer %q, want the service's total of 45", got)
	}
	if !strings.Contains(description(p), "35 not shown") {
		t.Errorf("header does not say 35 records are not shown:\n%s", description(p))
	}
}

func TestDownloadsColourAndWordsAgree(t *testing.T) {
	t.Parallel()
	stuck := calmBoard()
	stuck.Downloads[0].State = messages.StateStalled
	stale := calmBoard()
	stale.Services[0].Err, stale.Services[0].StaleSince = "HTTP 500", now.Add(-2*time.Minute)
	long := calmBoard()
	long.Services[0].Err, long.Services[0].StaleSince = "HTTP 500", now.Add(-time.Hour)
	never := calmBoard()
	never.Services = append(never.Services, messages.ServiceLine{Service: "lidarr", Err: "connection refused"})
	tests := []struct {
		name   string
		b      messages.DownloadsBoard
		colour int
		words  []string
	}{
		{"all well", calmBoard(), 0x2ECC71, []string{"🟢 All well", "3 downloading"}},
		{"empty", messages.DownloadsBoard{At: now}, 0x95A5A6, []string{"Nothing is downloading."}},
		{"stuck", stuck, 0xF1A40F, []string{"🟠 **1 stuck**"}},
		{"stale service", stale, 0xF1A40F, []string{"🟠 **1 service stale**"}},
		{"stale for long is failing", long, 0xE74C3C, []string{"🔴 **1 service failing**"}},
		{"no data at all", never, 0xE74C3C, []string{"🔴 **1 service failing**"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := discord.RenderDownloads(tt.b, discord.View{}, time.Time{}).Embeds[0]
			if e.Color != tt.colour {
				t.Errorf("colour %#x, want %#x", e.Color, tt.colour)
			}
			for _, w := range tt.words {
				if !strings.HasPrefix(e.Description, w) && !strings.Contains(e.Description, w) {
					t.Errorf("description lacks %q:\n%s", w, e.Description)
				}
			}
		})
	}
}

func TestDownloadsShowEachServiceInTrouble(t *testing.T) {
	t.Parallel()
	e := discord.RenderDownloads(staleBoard(), discord.View{}, time.Time{}).Embeds[0]
	want := []discordgo.MessageEmbedField{
		{Name: "🛑 lidarr — failing", Value: "No data yet: dial tcp 127.0.0.1:8686: connect: connection refused"},
		{Name: "⚠️ sonarr — stale", Value: fmt.Sprintf("Stale since <t:%d:R>: get queue page 1: HTTP 500: "+
			"Expected query to return 1 rows but returned 0", now.Add(-3*time.Minute).Unix())},
	}
	if len(e.Fields) != len(want) {
		t.Fatalf("%d fields, want %d", len(e.Fields), len(want))
	}
	for i, f := range e.Fields {
		if *f != want[i] {
			t.Errorf("field %d = %+v, want %+v", i, *f, want[i])
		}
	}
}

func TestDownloadsFooterHoldsNoTimestampMarkup(t *testing.T) {
	t.Parallel()
	updated := time.Date(2026, 3, 1, 13, 0, 0, 0, time.FixedZone("CET", 3600))
	e := discord.RenderDownloads(staleBoard(), discord.View{}, updated).Embeds[0]
	if strings.Contains(e.Footer.Text, "<t:") {
		t.Errorf("footer %q holds a timestamp Discord will not render", e.Footer.Text)
	}
	if e.Timestamp != "2026-03-01T12:00:00Z" {
		t.Errorf("timestamp %q, want the update time in RFC 3339", e.Timestamp)
	}
	if e := discord.RenderDownloads(staleBoard(), discord.View{}, time.Time{}).Embeds[0]; e.Timestamp != "" {
		t.Errorf("timestamp %q without an update time", e.Timestamp)
	}
}

func manyDownloads(n int, media messages.Media) messages.DownloadsBoard {
	b := messages.DownloadsBoard{At: now}
	for i := range n {
		b.Downloads = append(b.Downloads, messages.Download{Key: fmt.Sprintf("sonarr/%05d", i),
			Title: fmt.Sprintf("Item %05d", i), Media: media, State: messages.StateQueued})
	}
	return b
}

func TestDownloadsPaging(t *testing.T) {
	t.Parallel()
	b := manyDownloads(25, messages.MediaTV)
	b.Downloads = append(b.Downloads, manyDownloads(3, messages.MediaMovie).Downloads...)
	tests := []struct {
		view        discord.View
		footer      string
		first, last string
		items       int
	}{
		{discord.View{}, "Page 1/3 · 28 downloads · filter: all", "Item 00000", "Item 00009", 10},
		{discord.View{Page: 3}, "Page 3/3 · 28 downloads · filter: all", "Item 00020", "Item 00002", 8},
		{discord.View{Page: 99}, "Page 3/3 · 28 downloads · filter: all", "Item 00020", "Item 00002", 8},
		{discord.View{Page: 3, Filter: messages.FilterTV}, "Page 3/3 · 25 downloads · filter: tv",
			"Item 00020", "Item 00024", 5},
		{discord.View{Filter: messages.FilterMovies}, "Page 1/1 · 3 downloads · filter: movies",
			"Item 00000", "Item 00002", 3},
		{discord.View{Filter: "bogus"}, "Page 1/3 · 28 downloads · filter: all", "Item 00000", "Item 00009", 10},
	}
	for _, tt := range tests {
		t.Run(tt.footer, func(t *testing.T) {
			t.Parallel()
			e := discord.RenderDownloads(b, tt.view, time.Time{}).Embeds[0]
			if e.Footer.Text != tt.footer {
				t.Errorf("footer %q, want %q", e.Footer.Text, tt.footer)
			}
			items := strings.Split(e.Description, "\n\n")[1:]
			if len(items) != tt.items || !strings.Contains(items[0], tt.first) ||
				!strings.Contains(items[len(items)-1], tt.last) {
				t.Errorf("%d items from %q to %q, want %d from %q to %q", len(items), items[0],
					items[len(items)-1], tt.items, tt.first, tt.last)
			}
		})
	}
	if got := discord.Pages(b, messages.FilterTV); got != 3 {
		t.Errorf("Pages(tv) = %d, want 3", got)
	}
	if got := discord.Pages(messages.DownloadsBoard{}, messages.FilterAll); got != 1 {
		t.Errorf("Pages of an empty board = %d, want 1", got)
	}
}

func TestDownloadsComponentsCarryTheirView(t *testing.T) {
	t.Parallel()
	b := manyDownloads(25, messages.MediaTV)
	tests := []struct {
		view       discord.View
		ids        []string
		prev, next bool // disabled
		defaultOpt string
	}{
		{discord.View{Page: 1}, []string{"board:dl:page:0:all", "board:dl:page:2:all", "board:dl:refresh:1:all",
			"board:dl:filter"}, true, false, "all"},
		{discord.View{Page: 2, Filter: messages.FilterTV}, []string{"board:dl:page:1:tv", "board:dl:page:3:tv",
			"board:dl:refresh:2:tv", "board:dl:filter"}, false, false, "tv"},
		{discord.View{Page: 3, Personal: true}, []string{"view:dl:page:2:all", "view:dl:page:4:all",
			"view:dl:refresh:3:all", "view:dl:filter"}, false, true, "all"},
	}
	for _, tt := range tests {
		t.Run(tt.ids[0], func(t *testing.T) {
			t.Parallel()
			p := discord.RenderDownloads(b, tt.view, time.Time{})
			buttons := p.Components[0].(discordgo.ActionsRow).Components
			menu := p.Components[1].(discordgo.ActionsRow).Components[0].(discordgo.SelectMenu)
			var ids []string
			for _, c := range buttons {
				ids = append(ids, c.(discordgo.Button).CustomID)
			}
			ids = append(ids, menu.CustomID)
			if fmt.Sprint(ids) != fmt.Sprint(tt.ids) {
				t.Errorf("custom_ids %v, want %v", ids, tt.ids)
			}
			for _, id := range ids {
				if _, err := discord.ParseCustomID(id); err != nil {
					t.Errorf("custom_id %q does not parse back: %v", id, err)
				}
			}
			if buttons[0].(discordgo.Button).Disabled != tt.prev || buttons[1].(discordgo.Button).Disabled != tt.next {
				t.Errorf("prev/next disabled = %v/%v, want %v/%v", buttons[0].(discordgo.Button).Disabled,
					buttons[1].(discordgo.Button).Disabled, tt.prev, tt.next)
			}
			for _, o := range menu.Options {
				if o.Default != (o.Value == tt.defaultOpt) {
					t.Errorf("option %q default = %v", o.Value, o.Default)
				}
			}
			if len(menu.Options) != len(messages.Filters) {
				t.Errorf("%d options, want one per filter", len(menu.Options))
			}
			if raw, _ := json.Marshal(p); !bytes.Contains(raw, []byte(`"allowed_mentions":{"parse":[]`)) {
				t.Error("payload does not forbid every mention")
			}
		})
	}
}

// TestDownloadsRenderTheSameWhenNothingVisibleChanged proves that a board actor can
// skip edits by comparing payloads: the same board gives the same bytes, and wobbles
// below the rounding of ETAs and speeds give the same bytes too.
func TestDownloadsRenderTheSameWhenNothingVisibleChanged(t *testing.T) {
	t.Parallel()
	updated := now.Add(time.Second)
	first := marshal(t, discord.RenderDownloads(mixedBoard(), discord.View{}, updated))
	if again := marshal(t, discord.RenderDownloads(mixedBoard(), discord.View{}, updated)); !bytes.Equal(first, again) {
		t.Fatal("the same board rendered differently twice")
	}

	jitter := mixedBoard()
	jitter.At = now.Add(20 * time.Second) // the next poll
	for i := range jitter.Downloads {
		d := &jitter.Downloads[i]
		if d.ETA.Kind == messages.ETAKnown {
			d.ETA.At = d.ETA.At.Add(-12 * time.Second)
		}
		d.Speed += d.Speed / 100
	}
	if got := marshal(t, discord.RenderDownloads(jitter, discord.View{}, updated)); !bytes.Equal(first, got) {
		t.Errorf("sub-rounding jitter changed the payload:\n%s\nwant\n%s", got, first)
	}

	moved := mixedBoard()
	moved.Downloads[0].ETA.At = moved.Downloads[0].ETA.At.Add(3 * time.Minute)
	if got := marshal(t, discord.RenderDownloads(moved, discord.View{}, updated)); bytes.Equal(first, got) {
		t.Error("an ETA three minutes later rendered the same")
	}
}

func TestDownloadsSumUpServicesInTroubleBeyondTheFirstFew(t *testing.T) {
	t.Parallel()
	b := calmBoard()
	b.Services = nil
	for _, name := range []string{"a", "b", "c", "d", "e_1", "f", "g"} {
		b.Services = append(b.Services, messages.ServiceLine{Service: name, Err: "HTTP 503",
			StaleSince: now.Add(-time.Minute)})
	}
	fields := discord.RenderDownloads(b, discord.View{}, time.Time{}).Embeds[0].Fields
	if len(fields) != 5 {
		t.Fatalf("%d fields, want 4 services and a summary", len(fields))
	}
	if last := fields[4]; last.Name != "⚠️ 3 more services in trouble" || last.Value != "e\\_1, f, g" {
		t.Errorf("summary %q: %q", last.Name, last.Value)
	}

	for i := range 200 {
		b.Services = append(b.Services, messages.ServiceLine{Service: fmt.Sprintf("service_%03d", i),
			Err: "HTTP 503", StaleSince: now.Add(-time.Minute)})
	}
	last := discord.RenderDownloads(b, discord.View{}, time.Time{}).Embeds[0].Fields[4]
	if last.Name != "⚠️ 203 more services in trouble" || !strings.HasSuffix(last.Value, ", …") ||
		discord.Runes(last.Value) > 300 {
		t.Errorf("summary of 203: %q: %q", last.Name, last.Value)
	}
}

func TestDownloadsPageFromAnOldOrForgedButtonLandsOnARealPage(t *testing.T) {
	t.Parallel()
	b := manyDownloads(25, messages.MediaTV)
	for _, page := range []int{-5, 0, 4, 1 << 62, int(^uint(0) >> 1)} {
		p := discord.RenderDownloads(b, discord.View{Page: page}, time.Time{})
		if err := discord.CheckLimits(p); err != nil || !strings.HasPrefix(p.Embeds[0].Footer.Text, "Page ") ||
			strings.Count(p.Embeds[0].Description, "Item ") == 0 {
			t.Errorf("page %d: footer %q, err %v", page, p.Embeds[0].Footer.Text, err)
		}
	}
}
