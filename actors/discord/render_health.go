package discord

import (
	"cmp"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/discarr/discarr/messages"
)

// The health board's budget. A service's field is cut at line boundaries to fit;
// when the services do not all fit, those not shown are summed up in at most two
// fields of at most summaryFieldRunes each.
const (
	healthNameRunes   = 80
	healthKindRunes   = 24
	versionRunes      = 40
	summaryFieldRunes = 600
)

// healthDetail is how much of a service's health a view shows: the board keeps it
// short and steady, the detailed view shows more and exact figures.
type healthDetail struct {
	exact                bool // exact latency, session totals, when last checked
	warnings, warningLen int  // how many warnings, each in how many runes
	errLen               int
}

var (
	boardDetail    = healthDetail{warnings: 2, warningLen: 100, errLen: 150}
	detailedDetail = healthDetail{exact: true, warnings: 5, warningLen: 200, errLen: 300}
)

// RenderHealth renders the health board, or the detailed view of every service, or
// of one service when service is not empty. updated, when not zero, becomes the
// embed's timestamp.
func RenderHealth(b messages.HealthBoard, service string, detailed bool, updated time.Time) Payload {
	services := b.Services
	if service != "" {
		detailed = true
		services = nil
		for _, h := range b.Services {
			if strings.EqualFold(h.Service, service) {
				services = append(services, h)
			}
		}
	}
	level := boardDetail
	if detailed {
		level = detailedDetail
	}

	e := &discordgo.MessageEmbed{Title: "Health", Timestamp: timestamp(updated),
		Color: healthColour(services), Description: healthHeader(services, service)}
	footer := plural(len(services), "service")
	if !detailed {
		footer += " · Details shows exact figures"
	}
	e.Footer = &discordgo.MessageEmbedFooter{Text: footer}
	e.Fields = healthFields(services, level, maxEmbedTotal-embedRunes(e))

	return Payload{Embeds: []*discordgo.MessageEmbed{e},
		Components: healthComponents(service, detailed), AllowedMentions: noMentions()}
}

func healthColour(hs []messages.Health) int {
	if len(hs) == 0 {
		return colourEmpty
	}
	colour := colourGood
	pending := false
	for _, h := range hs {
		if healthPending(h) {
			pending = true
			continue
		}
		switch h.State {
		case messages.HealthCritical:
			return colourBad
		case messages.HealthOK:
		default:
			colour = colourWarn
		}
	}
	if pending && colour == colourGood {
		return colourEmpty // not all is known: not "all well" yet
	}
	return colour
}

// healthHeader counts the services by state, worst first, in words.
func healthHeader(hs []messages.Health, service string) string {
	if len(hs) == 0 {
		if service != "" {
			return "No service is named **" + escape(service, healthNameRunes) + "**."
		}
		return "No services are configured."
	}
	counts := make(map[messages.HealthState]int)
	pending := 0
	for _, h := range hs {
		if healthPending(h) {
			pending++ // not unknown: nobody asked it yet
			continue
		}
		counts[h.State]++
	}
	var parts []string
	for _, c := range []struct {
		n    int
		mark string
		word string
		bold bool
	}{
		{counts[messages.HealthCritical], "🔴", "critical", true},
		{counts[messages.HealthWarning], "🟠", "warning", true},
		{counts[messages.HealthUnknown], "❔", "unknown", false},
		{pending, "⏳", "waiting for the first answer", false},
		{counts[messages.HealthOK], "✅", "OK", false},
	} {
		n := c.n
		if n == 0 {
			continue
		}
		text := strconv.Itoa(n) + " " + c.word
		if c.bold {
			text = "**" + text + "**"
		}
		parts = append(parts, c.mark+" "+text)
	}
	return strings.Join(parts, " · ")
}

// healthFields gives every service a field when they all fit. Otherwise services
// that are not OK come first, one field each as long as they fit, and the rest are
// summed up by name.
func healthFields(hs []messages.Health, level healthDetail, budget int) []*discordgo.MessageEmbedField {
	all := make([]*discordgo.MessageEmbedField, len(hs))
	total := 0
	for i, h := range hs {
		all[i] = healthField(h, level)
		total += runes(all[i].Name) + runes(all[i].Value)
	}
	if len(all) <= maxFields && total <= budget {
		return all
	}

	var order []int // not OK first, each group in board order
	for _, ok := range []bool{false, true} {
		for i, h := range hs {
			if (h.State == messages.HealthOK) == ok {
				order = append(order, i)
			}
		}
	}
	room := budget - 2*summaryFieldRunes
	var out []*discordgo.MessageEmbedField
	for _, i := range order {
		n := runes(all[i].Name) + runes(all[i].Value)
		if len(out) >= maxFields-2 || n > room {
			break
		}
		out = append(out, all[i])
		room -= n
	}
	return summarise(out, hs, order[len(out):], len(out) > len(order)-countOK(hs))
}

func countOK(hs []messages.Health) int {
	n := 0
	for _, h := range hs {
		if h.State == messages.HealthOK {
			n++
		}
	}
	return n
}

// summarise adds a field naming the services left, not OK, and one naming the OK ones.
func summarise(fs []*discordgo.MessageEmbedField, hs []messages.Health, left []int,
	someOKShown bool) []*discordgo.MessageEmbedField {
	var bad, good []string
	for _, i := range left {
		name := escape(hs[i].Service, healthNameRunes)
		if hs[i].State == messages.HealthOK {
			good = append(good, name)
		} else {
			bad = append(bad, healthMarkOf(hs[i])+" "+name)
		}
	}
	verb := " need attention"
	if len(bad) == 1 {
		verb = " needs attention"
	}
	fs = appendSummary(fs, "⚠️ "+plural(len(bad), "more service")+verb, bad)
	okName := "✅ " + strconv.Itoa(len(good)) + " OK"
	if someOKShown {
		okName = "✅ " + strconv.Itoa(len(good)) + " more OK"
	}
	return appendSummary(fs, okName, good)
}

func appendSummary(fs []*discordgo.MessageEmbedField, name string, names []string) []*discordgo.MessageEmbedField {
	if len(names) == 0 {
		return fs
	}
	return append(fs, &discordgo.MessageEmbedField{Name: name,
		Value: cmp.Or(nameList(names, summaryFieldRunes-runes(name)), "—")})
}

// healthField is one service's health: state and since when, latency, version, the
// service's own warnings, its last error and, for download clients, transfer rates.
func healthField(h messages.Health, level healthDetail) *discordgo.MessageEmbedField {
	name := healthMarkOf(h) + " " + escape(h.Service, healthNameRunes)
	if h.Kind != "" {
		name += " (" + escape(h.Kind, healthKindRunes) + ")"
	}

	first := "**" + h.State.String() + "**"
	switch {
	case healthPending(h):
		first = healthWaiting // since discarr started, which says nothing
	case !h.Since.IsZero():
		first += " since " + relTime(h.Since)
	}
	first += latency(h, level.exact)
	lines := []string{first}
	if h.Failed {
		lines = append(lines, "🛑 given up after repeated crashes")
	}
	if h.Version != "" {
		v := "Version " + escape(h.Version, versionRunes)
		if h.API != "" {
			v += " · API " + escape(h.API, versionRunes)
		}
		lines = append(lines, v)
	}
	lines = append(lines, warningLines(h.Warnings, level)...)
	if h.Err != "" {
		lines = append(lines, "Last error: "+escape(h.Err, level.errLen))
	}
	if s := h.Stats; s != nil {
		t := "↓ " + speed(s.DownSpeed) + " · ↑ " + speed(s.UpSpeed)
		if level.exact {
			t += " · this session ↓ " + size(s.Downloaded) + " ↑ " + size(s.Uploaded)
		}
		lines = append(lines, t)
	}
	if level.exact && !h.CheckedAt.IsZero() {
		lines = append(lines, "Checked "+relTime(h.CheckedAt))
	}
	return &discordgo.MessageEmbedField{Name: name, Value: fitLines(lines, maxFieldValue)}
}

// latency is the latency band on the board, the exact figure in the detailed view.
func latency(h messages.Health, exact bool) string {
	if exact && h.Latency > 0 {
		ms := "<1 ms"
		if h.Latency >= time.Millisecond {
			ms = strconv.FormatInt(h.Latency.Milliseconds(), 10) + " ms"
		}
		if h.Band != messages.LatencyNone {
			ms += " (" + h.Band.String() + ")"
		}
		return " · latency " + ms
	}
	if h.Band == messages.LatencyNone {
		return ""
	}
	return " · latency " + h.Band.String()
}

func warningLines(ws []messages.Warning, level healthDetail) []string {
	var lines []string
	for i, w := range ws {
		if i == level.warnings {
			lines = append(lines, "(+"+strconv.Itoa(len(ws)-i)+" more)")
			break
		}
		mark := "⚠️"
		switch strings.ToLower(w.Level) {
		case "error":
			mark = "🛑"
		case "notice", "info":
			mark = "ℹ️"
		}
		text := w.Message
		if w.Source != "" {
			text = w.Source + ": " + text
		}
		lines = append(lines, mark+" "+escape(text, level.warningLen))
	}
	return lines
}

// healthComponents: the board's refresh and details buttons, or a personal view's
// refresh button.
func healthComponents(service string, detailed bool) []discordgo.MessageComponent {
	if !detailed {
		return []discordgo.MessageComponent{row(
			button("🔄 Refresh", discordgo.PrimaryButton,
				CustomID{Scope: ScopeBoard, Board: BoardHealth, Action: ActionRefresh}, false),
			button("Details", discordgo.SecondaryButton,
				CustomID{Scope: ScopeBoard, Board: BoardHealth, Action: ActionDetail}, false))}
	}
	id := CustomID{Scope: ScopeView, Board: BoardHealth, Action: ActionRefresh, Service: service}
	if runes(id.String()) > maxCustomID {
		// Limitation: a service name too long for a custom_id refreshes every service.
		id.Service = ""
	}
	return []discordgo.MessageComponent{row(button("🔄 Refresh", discordgo.PrimaryButton, id, false))}
}
