package discord

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/dustin/go-humanize"
)

// ellipsis ends text that was cut.
const ellipsis = "…"

// isMarkdown reports whether Discord's markdown gives r a meaning inside a line:
// emphasis, strike-through, spoilers, quotes, code, masked links, and the angle
// brackets of mentions and timestamps.
func isMarkdown(r rune) bool {
	switch r {
	case '\\', '*', '_', '~', '|', '>', '`', '[', ']', '(', ')', '<':
		return true
	}
	return false
}

// escape makes s safe to show as plain text in Discord markdown, on one line, in at
// most limit runes: control characters and runs of white space become one space, and
// a longer text is cut, never inside an escape, ending in "…". It reads no more of s
// than it needs, so a huge error message costs no more than a short one.
func escape(s string, limit int) string {
	if limit < 1 {
		return ""
	}
	buf := make([]byte, 0, min(len(s)+8, 4*limit))
	n, keep := 0, 0 // runes written; bytes of buf within limit-1 runes
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			space = n > 0
			continue
		}
		if space {
			buf = append(buf, ' ')
			n++
			space = false
		}
		if isMarkdown(r) {
			buf = append(buf, '\\')
			n++
		}
		buf = utf8.AppendRune(buf, r)
		n++
		if n <= limit-1 {
			keep = len(buf)
		}
		if n > limit {
			return string(buf[:keep]) + ellipsis
		}
	}
	return string(buf)
}

// truncate cuts text discarr wrote itself to at most limit runes, ending in "…".
func truncate(s string, limit int) string {
	if runes(s) <= limit {
		return s
	}
	if limit < 1 {
		return ""
	}
	r := []rune(s)
	return string(r[:limit-1]) + ellipsis
}

// fitLines joins lines with newlines in at most limit runes. Lines that do not fit
// are left out and counted in a last line "…and N more".
func fitLines(lines []string, limit int) string { return fitJoin(lines, "\n", limit) }

// fitJoin joins parts with sep in at most limit runes. When they do not all fit, it
// keeps the first ones and ends with "…and N more", N counting the parts left out.
func fitJoin(parts []string, sep string, limit int) string {
	total := 0
	for i, p := range parts {
		if i > 0 {
			total += runes(sep)
		}
		total += runes(p)
	}
	if total <= limit {
		return strings.Join(parts, sep)
	}
	more := func(n int) string { return "…and " + strconv.Itoa(n) + " more" }
	var b strings.Builder
	n := 0
	for i, p := range parts {
		s := ""
		if i > 0 {
			s = sep
		}
		// This part must fit together with the note for the parts after it, so that
		// the note is sure to fit should the next part not.
		need := runes(s) + runes(p)
		if later := len(parts) - i - 1; later > 0 {
			need += runes(sep) + runes(more(later))
		}
		if n+need > limit {
			b.WriteString(s)
			b.WriteString(truncate(more(len(parts)-i), limit-n-runes(s)))
			return b.String()
		}
		b.WriteString(s)
		b.WriteString(p)
		n += runes(s) + runes(p)
	}
	return b.String()
}

// nameList lists names separated by commas in at most limit runes, ending in "…"
// when some did not fit.
func nameList(names []string, limit int) string {
	var b strings.Builder
	n := 0
	for i, name := range names {
		sep := ""
		if i > 0 {
			sep = ", "
		}
		tail := 0
		if i < len(names)-1 {
			tail = runes(", " + ellipsis)
		}
		if n+runes(sep)+runes(name)+tail > limit {
			if n+runes(sep)+1 <= limit && i > 0 {
				b.WriteString(sep)
			}
			b.WriteString(ellipsis)
			return b.String()
		}
		b.WriteString(sep)
		b.WriteString(name)
		n += runes(sep) + runes(name)
	}
	return b.String()
}

// relTime is a Discord timestamp that every reader sees relative to their own clock
// ("in 5 minutes"). Discord renders it in descriptions and field values only.
func relTime(t time.Time) string {
	return "<t:" + strconv.FormatInt(t.Unix(), 10) + ":R>"
}

// roundETA rounds a finish time so that small wobbles in a service's estimate do not
// change the board: to the minute when it is under an hour away from now, to five
// minutes under a day, and to the hour beyond.
func roundETA(at, now time.Time) time.Time {
	left := at.Sub(now)
	switch {
	case left < time.Hour:
		return at.Round(time.Minute)
	case left < 24*time.Hour:
		return at.Round(5 * time.Minute)
	}
	return at.Round(time.Hour)
}

// size shows bytes in IEC units with two or three significant digits ("1.2 GiB").
func size(n int64) string {
	if n < 0 {
		n = 0
	}
	return humanize.IBytes(uint64(n))
}

// speed shows a rate in bytes per second ("3.4 MiB/s").
func speed(n int64) string { return size(n) + "/s" }

// barCells is how many cells a progress bar has.
const barCells = 12

// progressBar draws done fraction p as cells, full only when p is 1.
func progressBar(p float64) string {
	p = min(max(p, 0), 1)
	full := int(p*barCells + 1e-9) // the nudge keeps 0.5 × 12 from landing on 5.999…
	return strings.Repeat("▰", full) + strings.Repeat("▱", barCells-full)
}

// percent is p as a whole percentage, rounded down so that 99.9 % is not "100%".
func percent(p float64) string {
	p = min(max(p, 0), 1)
	return fmt.Sprintf("%d%%", int(p*100+1e-9))
}

// plural is "1 download" or "2 downloads".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}
