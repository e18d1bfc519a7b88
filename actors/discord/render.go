package discord

import (
	"cmp"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/discarr/discarr/messages"
)

// Rendering turns board models into message payloads. It is pure: the same model,
// view and time give the same bytes, so a board actor can skip an edit when nothing
// visible changed, and every payload stays inside Discord's limits by construction.

// View is how a downloads view is shown: which page, which filter, public board or
// someone's own.
type View struct {
	// Page counts from 1; a page before the first or after the last shows the
	// nearest page, so a button from an older board still lands somewhere.
	Page int
	// Filter selects the downloads; empty or unknown means all.
	Filter messages.Filter
	// Personal marks an ephemeral view of one person; its components page it in
	// place instead of opening a new view.
	Personal bool
}

// The colours of an embed's side bar. Text always carries the same state.
const (
	colourGood  = 0x2ECC71 // green: all is well
	colourWarn  = 0xF1A40F // amber: something is stuck, stale or warning
	colourBad   = 0xE74C3C // red: a service is failing or critical
	colourEmpty = 0x95A5A6 // grey: nothing to show
)

// failingAfter is how long a service may keep failing, its last data still shown,
// before the board counts it as failing rather than stale.
const failingAfter = 10 * time.Minute

// timestamp formats the embed timestamp Discord shows in the reader's local time.
func timestamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// clock is the board's "now" for rounding and ages: the model's own time, else the
// time of the update.
func clock(at, updated time.Time) time.Time {
	if !at.IsZero() {
		return at
	}
	return updated
}

// scopeOf is where a view's components live.
func scopeOf(personal bool) Scope {
	if personal {
		return ScopeView
	}
	return ScopeBoard
}

func button(label string, style discordgo.ButtonStyle, id CustomID, disabled bool) discordgo.Button {
	return discordgo.Button{Label: label, Style: style, CustomID: id.String(), Disabled: disabled}
}

func row(cs ...discordgo.MessageComponent) discordgo.ActionsRow {
	return discordgo.ActionsRow{Components: cs}
}

// filterLabels names each filter in the select menu.
var filterLabels = map[messages.Filter][2]string{
	messages.FilterAll:    {"All downloads", "Everything in every queue"},
	messages.FilterTV:     {"TV", "Series and episodes"},
	messages.FilterMovies: {"Movies", "Films"},
	messages.FilterMusic:  {"Music", "Artists and albums"},
	messages.FilterBooks:  {"Books", "Books and audiobooks"},
	messages.FilterActive: {"Active", "Transferring right now"},
	messages.FilterStuck:  {"Stuck", "Needs a person to move on"},
}

// normFilter maps an empty or unknown filter to FilterAll.
func normFilter(f messages.Filter) messages.Filter {
	f, _ = messages.ParseFilter(string(f))
	return f
}

// filterMenu is the select menu choosing a downloads filter, current one preselected.
func filterMenu(scope Scope, current messages.Filter) discordgo.SelectMenu {
	opts := make([]discordgo.SelectMenuOption, 0, len(messages.Filters))
	for _, f := range messages.Filters {
		l := filterLabels[f]
		opts = append(opts, discordgo.SelectMenuOption{Label: l[0], Value: string(f),
			Description: l[1], Default: f == current})
	}
	id := CustomID{Scope: scope, Board: BoardDownloads, Action: ActionFilter}
	return discordgo.SelectMenu{CustomID: id.String(), Placeholder: "Filter downloads", Options: opts}
}

// stateWords names each download state as the board shows it.
var stateWords = map[messages.State]string{
	messages.StateQueued:        "Queued",
	messages.StateMetadata:      "Fetching metadata",
	messages.StateDownloading:   "Downloading",
	messages.StateStalled:       "Stalled",
	messages.StatePaused:        "Paused",
	messages.StateChecking:      "Checking",
	messages.StateImporting:     "Importing",
	messages.StateImportBlocked: "Needs manual import",
	messages.StateFailed:        "Failed",
	messages.StateCompleted:     "Completed",
	messages.StateSeeding:       "Seeding",
}

// stateEmoji marks each download state at the start of its line.
var stateEmoji = map[messages.State]string{
	messages.StateQueued:        "⏳",
	messages.StateMetadata:      "🧲",
	messages.StateDownloading:   "⬇️",
	messages.StateStalled:       "🐢",
	messages.StatePaused:        "⏸️",
	messages.StateChecking:      "🔍",
	messages.StateImporting:     "📥",
	messages.StateImportBlocked: "🚧",
	messages.StateFailed:        "❌",
	messages.StateCompleted:     "✅",
	messages.StateSeeding:       "🌱",
}

// mediaWords names each media kind after a download's title.
var mediaWords = map[messages.Media]string{
	messages.MediaTV:    "TV",
	messages.MediaMovie: "Movie",
	messages.MediaMusic: "Music",
	messages.MediaBook:  "Book",
}

// healthEmoji marks each health state.
var healthEmoji = map[messages.HealthState]string{
	messages.HealthOK:       "✅",
	messages.HealthWarning:  "⚠️",
	messages.HealthCritical: "🛑",
	messages.HealthUnknown:  "❔",
}

func healthMark(s messages.HealthState) string {
	if e, ok := healthEmoji[s]; ok {
		return e
	}
	return healthEmoji[messages.HealthUnknown]
}

// renderItem is one download on the board: what it is, how far it got, and why it is
// stuck when it is. It takes at most maxItemRunes.
func renderItem(d messages.Download, now time.Time) string {
	var b strings.Builder

	// What it is.
	b.WriteString(itemEmoji(d.State))
	b.WriteString(" **")
	b.WriteString(escape(cmp.Or(d.Title, d.Release, "Unnamed download"), titleRunes))
	b.WriteString("**")
	if d.Warning {
		b.WriteString(" ⚠️")
	}
	if m := mediaWords[d.Media]; m != "" {
		b.WriteString(" · " + m)
	}
	if d.Episodes > 1 {
		b.WriteString(" · " + plural(min(d.Episodes, 9999), "episode"))
	}

	// How far it got.
	b.WriteString("\n")
	parts := []string{progress(d), stateWord(d)}
	if d.Size > 0 && d.Left >= 0 && d.Left <= d.Size {
		parts = append(parts, size(d.Done())+" / "+size(d.Size))
	}
	if d.Speed > 0 && !isDone(d) {
		parts = append(parts, speed(d.Speed))
	}
	if eta := etaText(d, now); eta != "" {
		parts = append(parts, eta)
	}
	b.WriteString(strings.Join(parts, " · "))

	// Why it is stuck.
	reason := escape(d.Reason, reasonRunes)
	if reason != "" && (d.State.Stuck() || d.Warning || stateWords[d.State] == "") {
		b.WriteString("\n↳ " + reason)
	}
	return b.String()
}

func itemEmoji(s messages.State) string {
	if e, ok := stateEmoji[s]; ok {
		return e
	}
	return "❔"
}

// stateWord names the state; one discarr does not know shows the service's word.
func stateWord(d messages.Download) string {
	if w, ok := stateWords[d.State]; ok {
		return w
	}
	if d.RawState != "" {
		return escape(d.RawState, rawStateRunes)
	}
	return "Unknown state"
}

// isDone reports whether nothing is left to download.
func isDone(d messages.Download) bool {
	switch d.State {
	case messages.StateImporting, messages.StateImportBlocked, messages.StateCompleted,
		messages.StateSeeding:
		return true
	}
	return d.Size > 0 && d.Left == 0
}

// progress is the bar and percentage, or "size unknown".
func progress(d messages.Download) string {
	p := d.Progress()
	if (d.Size <= 0 || d.Left < 0) && p < 1 {
		return "size unknown"
	}
	return progressBar(p) + " " + percent(p)
}

// etaText says when a download finishes, where that means anything: never for what is
// done, failed or paused; for queued and metadata only when known.
func etaText(d messages.Download, now time.Time) string {
	if isDone(d) || d.ETA.Kind == messages.ETANone {
		return ""
	}
	switch d.State {
	case messages.StateFailed, messages.StatePaused:
		return ""
	}
	switch d.ETA.Kind {
	case messages.ETAKnown:
		at := roundETA(d.ETA.At, now)
		if !now.IsZero() && !at.After(now) {
			return "finishing now"
		}
		return "ETA " + relTime(at)
	case messages.ETAInfinite:
		if d.State != messages.StateQueued && d.State != messages.StateMetadata {
			return "∞ stalled"
		}
	}
	switch d.State {
	case messages.StateQueued, messages.StateMetadata:
		return "" // waiting is not stalling: the state already says it waits
	case messages.StateStalled:
		return "∞ stalled"
	}
	return "ETA unknown"
}
