package discord

import (
	"cmp"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/discarr/discarr/messages"
)

// The downloads board's budget. The caps keep the longest possible item short enough
// that a full page always fits, whatever the titles and errors say: ten items of at
// most maxItemRunes, the header, the service fields and the footer stay under the
// description limit and the 6000-rune total.
const (
	pageSize         = 10
	titleRunes       = 120 // a title, escaped, "…" included
	reasonRunes      = 100 // why a download is stuck
	rawStateRunes    = 32  // a service's own word for a state discarr does not know
	maxItemRunes     = 380
	maxServiceFields = 5   // services with errors shown one by one; the rest summed up
	serviceNameRunes = 60  // a service's name, escaped
	serviceErrRunes  = 150 // a service's error, escaped
	summaryRunes     = 300 // the names of the services summed up
)

// Pages is how many pages the downloads matching f take on the board; at least 1.
func Pages(b messages.DownloadsBoard, f messages.Filter) int {
	return pageCount(countMatching(b.Downloads, normFilter(f)))
}

func pageCount(n int) int { return max(1, (n+pageSize-1)/pageSize) }

func countMatching(ds []messages.Download, f messages.Filter) int {
	if f == messages.FilterAll {
		return len(ds)
	}
	n := 0
	for i := range ds {
		if f.Match(ds[i]) {
			n++
		}
	}
	return n
}

// downloadsPage is the part of the board one view shows, and what the view counts.
type downloadsPage struct {
	items                        []messages.Download
	page, pages                  int
	matched                      int // downloads matching the filter
	unseen                       int // records services reported but did not deliver (filter all only)
	stuck, active, waiting, done int
	failing, stale               int      // services
	pending                      []string // services not answered yet
	noData                       int      // services with no data at all: pending or failing
}

// selectPage picks page (from 1, clamped) of the downloads matching f and counts them.
// One pass over the board does both unless the page is past the last one.
func selectPage(b messages.DownloadsBoard, f messages.Filter, page int, now time.Time) downloadsPage {
	var pg downloadsPage
	page = min(max(page, 1), pageCount(len(b.Downloads))) // also keeps page*pageSize in range
	pg.items = pageItems(b.Downloads, f, page, func(d *messages.Download) {
		pg.matched++
		pg.count(d.State)
	})
	pg.pages = pageCount(pg.matched)
	if pg.page = min(page, pg.pages); pg.page != page {
		pg.items = pageItems(b.Downloads, f, pg.page, func(*messages.Download) {})
	}

	for _, l := range b.Services {
		if f == messages.FilterAll {
			pg.unseen += max(0, l.Total-l.Count)
		}
		if linePending(l) {
			pg.pending = append(pg.pending, l.Service)
		}
		if l.Polled.IsZero() {
			pg.noData++
		}
		switch serviceTrouble(l, now) {
		case troubleFailing:
			pg.failing++
		case troubleStale:
			pg.stale++
		}
	}
	return pg
}

// pageItems returns page (from 1) of the downloads matching f, calling each for every
// matching download.
func pageItems(ds []messages.Download, f messages.Filter, page int,
	each func(*messages.Download)) []messages.Download {
	first := (page - 1) * pageSize
	var items []messages.Download
	seen := 0
	for i := range ds {
		d := &ds[i]
		if f != messages.FilterAll && !f.Match(*d) {
			continue
		}
		each(d)
		if seen >= first && seen < first+pageSize {
			items = append(items, *d)
		}
		seen++
	}
	return items
}

func (pg *downloadsPage) count(s messages.State) {
	switch {
	case s.Stuck():
		pg.stuck++
	case s.Active():
		pg.active++
	case s == messages.StateCompleted || s == messages.StateSeeding || s == messages.StateImporting:
		pg.done++
	default:
		pg.waiting++
	}
}

// RenderDownloads renders view v of the downloads board. updated, when not zero,
// becomes the embed's timestamp, which Discord shows in each reader's local time.
func RenderDownloads(b messages.DownloadsBoard, v View, updated time.Time) Payload {
	f := normFilter(v.Filter)
	now := clock(b.At, updated)
	pg := selectPage(b, f, v.Page, now)

	e := &discordgo.MessageEmbed{Title: "Downloads", Timestamp: timestamp(updated),
		Color: pg.colour(), Fields: serviceFields(b.Services, now)}
	total := pg.matched + pg.unseen
	e.Footer = &discordgo.MessageEmbedFooter{Text: "Page " + strconv.Itoa(pg.page) + "/" +
		strconv.Itoa(pg.pages) + " · " + plural(total, "download") + " · filter: " + string(f)}

	// The description gets what the other parts leave of the total.
	budget := min(maxDescription, maxEmbedTotal-embedRunes(e))
	parts := []string{pg.header(f)}
	for _, d := range pg.items {
		parts = append(parts, renderItem(d, now))
	}
	e.Description = fitJoin(parts, "\n\n", budget)

	return Payload{Embeds: []*discordgo.MessageEmbed{e},
		Components:      downloadsComponents(scopeOf(v.Personal), pg.page, pg.pages, f),
		AllowedMentions: noMentions()}
}

func (pg downloadsPage) colour() int {
	switch {
	case pg.failing > 0:
		return colourBad
	case pg.stale > 0 || pg.stuck > 0:
		return colourWarn
	case pg.matched == 0 || len(pg.pending) > 0:
		// Nothing to show, or not all is known: not "all well" yet.
		return colourEmpty
	}
	return colourGood
}

// header is the description's first line: the view's state in words, matching the
// colour, then what the downloads are doing.
func (pg downloadsPage) header(f messages.Filter) string {
	var parts []string
	bold := func(n int, what string) {
		if n > 0 {
			parts = append(parts, "**"+what+"**")
		}
	}
	bold(pg.failing, plural(pg.failing, "service")+" failing")
	bold(pg.stale, plural(pg.stale, "service")+" stale")
	bold(pg.stuck, strconv.Itoa(pg.stuck)+" stuck")
	for _, c := range []struct {
		n    int
		what string
	}{{pg.active, "downloading"}, {pg.waiting, "waiting"}, {pg.done, "done"}, {pg.unseen, "not shown"}} {
		if c.n > 0 {
			parts = append(parts, strconv.Itoa(c.n)+" "+c.what)
		}
	}
	switch {
	case len(pg.pending) > 0:
		// Those services may hold anything: never say that nothing downloads.
		parts = append(parts, waitingFor(pg.pending))
	case pg.matched == 0 && pg.noData == 0:
		// Only when every service said so; the failing ones are counted above.
		empty := "Nothing is downloading."
		if f != messages.FilterAll {
			empty = "Nothing matches the filter “" + filterLabels[f][0] + "”."
		}
		parts = append(parts, empty)
	}

	switch pg.colour() {
	case colourBad:
		return "🔴 " + strings.Join(parts, " · ")
	case colourWarn:
		return "🟠 " + strings.Join(parts, " · ")
	case colourGood:
		return "🟢 All well · " + strings.Join(parts, " · ")
	}
	return strings.Join(parts, " · ")
}

// downloadsComponents are the paging buttons and the filter menu of a view.
func downloadsComponents(scope Scope, page, pages int, f messages.Filter) []discordgo.MessageComponent {
	id := func(a Action, p int) CustomID {
		return CustomID{Scope: scope, Board: BoardDownloads, Action: a, Page: p, Filter: f}
	}
	return []discordgo.MessageComponent{
		row(button("◀ Prev", discordgo.SecondaryButton, id(ActionPage, page-1), page <= 1),
			button("Next ▶", discordgo.SecondaryButton, id(ActionPage, page+1), page >= pages),
			button("🔄 Refresh", discordgo.PrimaryButton, id(ActionRefresh, page), false)),
		row(filterMenu(scope, f)),
	}
}

// The trouble a service is in, as the downloads board shows it.
const (
	troubleNone = iota
	troubleStale
	troubleFailing
)

// serviceTrouble says whether a service's data is stale (its last poll failed, its
// last good data is shown) or it is failing (no data at all, or stale for long).
func serviceTrouble(l messages.ServiceLine, now time.Time) int {
	switch {
	case l.Err == "":
		return troubleNone
	case l.StaleSince.IsZero() || now.Sub(l.StaleSince) > failingAfter:
		return troubleFailing
	}
	return troubleStale
}

// serviceFields are one field per service in trouble, the last summing up those that
// do not get a field of their own.
func serviceFields(ls []messages.ServiceLine, now time.Time) []*discordgo.MessageEmbedField {
	var troubled []messages.ServiceLine
	for _, l := range ls {
		if serviceTrouble(l, now) != troubleNone {
			troubled = append(troubled, l)
		}
	}
	shown := troubled
	if len(troubled) > maxServiceFields {
		shown = troubled[:maxServiceFields-1]
	}
	fields := make([]*discordgo.MessageEmbedField, 0, len(shown)+1)
	for _, l := range shown {
		fields = append(fields, serviceField(l, now))
	}
	if rest := troubled[len(shown):]; len(rest) > 0 {
		// Escape only as many names as can fit: once they overflow the list, it is
		// cut and ends in "…" anyway.
		var names []string
		for i, n := 0, 0; i < len(rest) && n <= summaryRunes+4; i++ {
			names = append(names, escape(rest[i].Service, serviceNameRunes))
			n += runes(names[i]) + len(", ")
		}
		fields = append(fields, &discordgo.MessageEmbedField{
			Name:  "⚠️ " + plural(len(rest), "more service") + " in trouble",
			Value: cmp.Or(nameList(names, summaryRunes), "—")})
	}
	return fields
}

func serviceField(l messages.ServiceLine, now time.Time) *discordgo.MessageEmbedField {
	name := escape(l.Service, serviceNameRunes)
	err := escape(l.Err, serviceErrRunes)
	switch {
	case l.StaleSince.IsZero():
		return &discordgo.MessageEmbedField{Name: "🛑 " + name + " — failing", Value: "No data yet: " + err}
	case serviceTrouble(l, now) == troubleFailing:
		return &discordgo.MessageEmbedField{Name: "🛑 " + name + " — failing",
			Value: "Showing data from " + relTime(l.StaleSince) + ": " + err}
	}
	return &discordgo.MessageEmbedField{Name: "⚠️ " + name + " — stale",
		Value: "Stale since " + relTime(l.StaleSince) + ": " + err}
}
