package discord_test

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/discarr/discarr/actors/discord"
)

func TestEscapeMakesReleaseNamesPlainText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		limit    int
		want     string
	}{
		{"underscores", "Show_Name_S01E01_1080p", 100, `Show\_Name\_S01E01\_1080p`},
		{"every special", "*_~|>`[]()<\\", 100, "\\*\\_\\~\\|\\>\\`\\[\\]\\(\\)\\<\\\\"},
		{"mention stays text", "<@123> @everyone", 100, `\<@123\> @everyone`},
		{"newlines collapse", "line one\n\n\tline\r\ntwo  ", 100, "line one line two"},
		{"exact fit", "abcdef", 6, "abcdef"},
		{"cut with ellipsis", "abcdefgh", 6, "abcde…"},
		{"never cuts inside an escape", "abcd_fgh", 6, "abcd…"},
		{"emoji count as one", "🎬🎬🎬🎬🎬🎬🎬", 4, "🎬🎬🎬…"},
		{"empty", "", 10, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := discord.Escape(tt.in, tt.limit)
			if got != tt.want {
				t.Errorf("Escape(%q, %d) = %q, want %q", tt.in, tt.limit, got, tt.want)
			}
			if n := utf8.RuneCountInString(got); n > tt.limit {
				t.Errorf("%d runes, over %d", n, tt.limit)
			}
		})
	}
}

func TestFitJoinCutsAtPartBoundariesAndCountsTheRest(t *testing.T) {
	t.Parallel()
	parts := []string{"aaaa", "bbbb", "cccc", "dddd", "eeee"}
	tests := []struct {
		limit int
		want  string
	}{
		{100, "aaaa\nbbbb\ncccc\ndddd\neeee"},
		{24, "aaaa\nbbbb\ncccc\ndddd\neeee"},
		{23, "aaaa\nbbbb\n…and 3 more"},
		{16, "aaaa\n…and 4 more"},
		{12, "…and 5 more"},
	}
	for _, tt := range tests {
		got := discord.FitJoin(parts, "\n", tt.limit)
		if got != tt.want {
			t.Errorf("limit %d: %q, want %q", tt.limit, got, tt.want)
		}
		if n := utf8.RuneCountInString(got); n > tt.limit {
			t.Errorf("limit %d: %d runes", tt.limit, n)
		}
	}
}

func TestNameListEndsInEllipsisWhenCut(t *testing.T) {
	t.Parallel()
	names := []string{"sonarr", "radarr", "lidarr", "qbit"}
	for limit, want := range map[int]string{
		100: "sonarr, radarr, lidarr, qbit",
		20:  "sonarr, radarr, …",
		9:   "sonarr, …",
		3:   "…",
	} {
		if got := discord.NameList(names, limit); got != want || utf8.RuneCountInString(got) > limit {
			t.Errorf("limit %d: %q, want %q", limit, got, want)
		}
	}
}

func TestRoundETAIsCoarserFurtherOut(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in, want time.Duration
	}{
		{10*time.Minute + 20*time.Second, 10 * time.Minute},
		{10*time.Minute + 40*time.Second, 11 * time.Minute},
		{3*time.Hour + 2*time.Minute, 3 * time.Hour},
		{3*time.Hour + 3*time.Minute, 3*time.Hour + 5*time.Minute},
		{50*time.Hour + 29*time.Minute, 50 * time.Hour},
	}
	for _, tt := range tests {
		if got := discord.RoundETA(now.Add(tt.in), now).Sub(now); got != tt.want {
			t.Errorf("%v from now rounds to %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestProgressIsFullOnlyWhenDone(t *testing.T) {
	t.Parallel()
	tests := []struct {
		p       float64
		bar, pc string
	}{
		{0, strings.Repeat("▱", 12), "0%"},
		{0.29, "▰▰▰" + strings.Repeat("▱", 9), "29%"},
		{0.5, strings.Repeat("▰", 6) + strings.Repeat("▱", 6), "50%"},
		{0.999, strings.Repeat("▰", 11) + "▱", "99%"},
		{1, strings.Repeat("▰", 12), "100%"},
		{1.7, strings.Repeat("▰", 12), "100%"},
	}
	for _, tt := range tests {
		if bar, pc := discord.ProgressBar(tt.p), discord.Percent(tt.p); bar != tt.bar || pc != tt.pc {
			t.Errorf("%v: %s %s, want %s %s", tt.p, bar, pc, tt.bar, tt.pc)
		}
	}
	if got := discord.Truncate("abcdef", 4); got != "abc…" {
		t.Errorf("Truncate = %q", got)
	}
}
