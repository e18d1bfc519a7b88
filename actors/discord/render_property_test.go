package discord_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/discarr/discarr/actors/discord"
	"github.com/discarr/discarr/messages"
)

// nastyRunes are the characters most likely to break a budget or the markdown.
var nastyRunes = []rune("*_~|>`[]()<@#:\\\n\t\r\u200d\u202e\ufe0f\u0301 éß漢字🎬🍿👨‍👩‍👧🏳️‍🌈")

func randText(rng *rand.Rand, maxRunes int) string {
	n := rng.IntN(maxRunes + 1)
	var b strings.Builder
	for range n {
		switch rng.IntN(4) {
		case 0:
			b.WriteRune(nastyRunes[rng.IntN(len(nastyRunes))])
		case 1:
			b.WriteRune(rune(0x1F300 + rng.IntN(0x2FF))) // emoji
		case 2:
			r := rune(rng.IntN(0x10FFFF))
			if r >= 0xD800 && r <= 0xDFFF {
				r = '?'
			}
			b.WriteRune(r)
		default:
			b.WriteByte(byte('a' + rng.IntN(26)))
		}
	}
	return b.String()
}

var (
	allStates = []messages.State{messages.StateQueued, messages.StateMetadata, messages.StateDownloading,
		messages.StateStalled, messages.StatePaused, messages.StateChecking, messages.StateImporting,
		messages.StateImportBlocked, messages.StateFailed, messages.StateCompleted, messages.StateSeeding,
		messages.StateUnknown, "some-future-state"}
	allMedia = []messages.Media{messages.MediaTV, messages.MediaMovie, messages.MediaMusic,
		messages.MediaBook, messages.MediaOther, ""}
)

func randInt64(rng *rand.Rand) int64 {
	switch rng.IntN(5) {
	case 0:
		return 0
	case 1:
		return -rng.Int64N(1 << 40)
	case 2:
		return math.MaxInt64 - rng.Int64N(10)
	}
	return rng.Int64N(1 << 45)
}

func randDownload(rng *rand.Rand, i int) messages.Download {
	d := messages.Download{Key: "svc/" + string(rune('a'+i%26)), Title: randText(rng, 500),
		Release: randText(rng, 50), Media: allMedia[rng.IntN(len(allMedia))],
		State: allStates[rng.IntN(len(allStates))], RawState: randText(rng, 200),
		Reason: randText(rng, 500), Warning: rng.IntN(3) == 0, Size: randInt64(rng), Left: randInt64(rng),
		Speed: randInt64(rng), Episodes: rng.IntN(3) * rng.IntN(100000)}
	d.ETA.Kind = messages.ETAKind(rng.IntN(4))
	if d.ETA.Kind == messages.ETAKnown {
		d.ETA.At = now.Add(time.Duration(rng.Int64N(math.MaxInt64)) - time.Duration(rng.Int64N(1<<50)))
		if rng.IntN(10) == 0 {
			d.ETA.At = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
		}
	}
	return d
}

func randBoard(rng *rand.Rand, n, services int) messages.DownloadsBoard {
	b := messages.DownloadsBoard{At: now}
	for i := range n {
		b.Downloads = append(b.Downloads, randDownload(rng, i))
	}
	for range services {
		l := messages.ServiceLine{Service: randText(rng, 100), Kind: randText(rng, 20),
			Count: rng.IntN(1000), Total: rng.IntN(100000)}
		if rng.IntN(3) > 0 {
			l.Err = randText(rng, 2000) + "x"
			l.StaleSince = now.Add(-time.Duration(rng.Int64N(int64(time.Hour))))
			if rng.IntN(3) == 0 {
				l.StaleSince = time.Time{}
			}
		}
		b.Services = append(b.Services, l)
	}
	return b
}

// TestEveryDownloadsPageFitsDiscordsLimits: random boards of up to 20,000 downloads
// with hostile titles and up to 200 failing services; every page of every filter
// must pass checkLimits. On the largest boards a sample of pages is checked, and
// every single item is checked against the per-item bound that makes a full page fit.
func TestEveryDownloadsPageFitsDiscordsLimits(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 11))
	sizes := []int{1, 2, 9, 10, 11, 57, 333, 1500, 20000}
	for range 4 {
		sizes = append(sizes, 1+int(math.Exp(rng.Float64()*math.Log(20000))))
	}
	for _, n := range sizes {
		b := randBoard(rng, n, rng.IntN(201))
		for i, d := range b.Downloads {
			if item := discord.RenderItem(d, now); discord.Runes(item) > discord.MaxItemRunes {
				t.Fatalf("item %d takes %d runes, over %d:\n%s", i, discord.Runes(item), discord.MaxItemRunes, item)
			}
		}
		for _, f := range messages.Filters {
			pages := discord.Pages(b, f)
			for _, page := range samplePages(rng, pages) {
				for _, personal := range []bool{false, page == 1} {
					p := discord.RenderDownloads(b, discord.View{Page: page, Filter: f, Personal: personal}, now)
					if err := discord.CheckLimits(p); err != nil {
						t.Fatalf("%d downloads, %d services, filter %s page %d/%d: %v",
							n, len(b.Services), f, page, pages, err)
					}
					if strings.Contains(p.Embeds[0].Description, "more") && strings.Contains(
						p.Embeds[0].Description, "…and ") {
						t.Fatalf("filter %s page %d dropped items it should hold:\n%s", f, page,
							p.Embeds[0].Description)
					}
				}
			}
		}
	}
}

// samplePages is every page of a small board, and the ends and a sample of a big one.
func samplePages(rng *rand.Rand, pages int) []int {
	if pages <= 60 {
		all := make([]int, pages)
		for i := range all {
			all[i] = i + 1
		}
		return all
	}
	out := []int{1, 2, pages - 1, pages}
	for range 20 {
		out = append(out, 1+rng.IntN(pages))
	}
	return out
}

// TestWorstCasePageFits builds the longest page the caps allow: ten items that hit
// every cap, the longest header, and the most service fields.
func TestWorstCasePageFits(t *testing.T) {
	t.Parallel()
	worst := messages.Download{Title: strings.Repeat("_", 500), Reason: strings.Repeat("*", 500),
		RawState: strings.Repeat("`", 500), State: "new-state", Warning: true, Media: messages.MediaMovie,
		Episodes: 1 << 30, Size: math.MaxInt64, Left: 1, Speed: math.MaxInt64,
		ETA: messages.KnownETA(time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC))}
	b := messages.DownloadsBoard{At: now}
	for range 100000 {
		b.Downloads = append(b.Downloads, worst)
	}
	for i := range 200 {
		b.Services = append(b.Services, messages.ServiceLine{Service: strings.Repeat("_", 300),
			Err: strings.Repeat("<", 3000), Total: 1 << 40, StaleSince: now.Add(-time.Duration(i) * time.Hour / 20)})
	}
	if item := discord.RenderItem(worst, now); discord.Runes(item) > discord.MaxItemRunes {
		t.Fatalf("worst item takes %d runes, over %d", discord.Runes(item), discord.MaxItemRunes)
	}
	p := discord.RenderDownloads(b, discord.View{Page: 5000}, now)
	if err := discord.CheckLimits(p); err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(p.Embeds[0].Description, "\n\n"); got != discord.PageSize {
		t.Errorf("worst page holds %d items, want %d", got, discord.PageSize)
	}
}

// FuzzRenderItem checks that no title, reason or figure breaks an item's bound.
func FuzzRenderItem(f *testing.F) {
	f.Add("Show_Name*S01E01*", "reason (x)", "stalledDL", int64(100), int64(50), int64(10), int64(60))
	f.Add(strings.Repeat("🎬", 400), strings.Repeat("\\", 400), strings.Repeat("|", 400),
		int64(math.MaxInt64), int64(-1), int64(math.MaxInt64), int64(math.MaxInt64))
	f.Add("", "", "", int64(0), int64(0), int64(0), int64(-1))
	f.Fuzz(func(t *testing.T, title, reason, raw string, size, left, speed, etaSec int64) {
		for _, st := range allStates {
			d := messages.Download{Title: title, Reason: reason, RawState: raw, State: st, Warning: true,
				Media: messages.MediaMovie, Episodes: 99999, Size: size, Left: left, Speed: speed,
				ETA: messages.KnownETA(now.Add(time.Duration(etaSec) * time.Second))}
			if item := discord.RenderItem(d, now); discord.Runes(item) > discord.MaxItemRunes {
				t.Fatalf("%d runes:\n%s", discord.Runes(item), item)
			}
		}
	})
}

// BenchmarkRenderDownloads renders one page of a 20,000-download board.
func BenchmarkRenderDownloads(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	board := randBoard(rng, 20000, 20)
	b.ReportAllocs()
	for b.Loop() {
		discord.RenderDownloads(board, discord.View{Page: 1000, Filter: messages.FilterTV}, now)
	}
}
