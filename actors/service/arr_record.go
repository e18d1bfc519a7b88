package service

import (
	"encoding/json"
	"errors"
	"strings"
	"unicode/utf8"
)

// maxReason caps a download's Reason, in runes; the board trims further to its budget.
const maxReason = 600

// errNoID marks a record without a usable id, the one field a record must have.
var errNoID = errors.New("record without an id")

// arrRecord is one *arr queue record. Every field is optional but ID; the nested series,
// episode and movie objects are absent for unknown items and when not asked for.
type arrRecord struct {
	ID           *flexInt       `json:"id"`
	Title        flexString     `json:"title"`
	Size         flexInt        `json:"size"`
	SizeLeft     flexInt        `json:"sizeleft"`
	TimeLeft     flexDuration   `json:"timeleft"`
	Estimated    flexTime       `json:"estimatedCompletionTime"`
	Added        flexTime       `json:"added"`
	Status       flexString     `json:"status"`
	Tracked      flexString     `json:"trackedDownloadStatus"`
	TrackedState flexString     `json:"trackedDownloadState"`
	Messages     statusMessages `json:"statusMessages"`
	ErrorMessage flexString     `json:"errorMessage"`
	DownloadID   flexString     `json:"downloadId"`
	Protocol     flexString     `json:"protocol"`
	Client       flexString     `json:"downloadClient"`
	Indexer      flexString     `json:"indexer"`
	SeriesID     flexInt        `json:"seriesId"`
	SeasonNumber flexInt        `json:"seasonNumber"`
	MovieID      flexInt        `json:"movieId"`
	Series       *arrTitled     `json:"series"`
	Episode      *arrEpisode    `json:"episode"`
	Movie        *arrTitled     `json:"movie"`
}

// arrTitled is the part of a series or movie resource a title needs.
type arrTitled struct {
	Title flexString `json:"title"`
	Year  flexInt    `json:"year"`
}

// arrEpisode is the part of an episode resource a title needs.
type arrEpisode struct {
	SeasonNumber  flexInt    `json:"seasonNumber"`
	EpisodeNumber flexInt    `json:"episodeNumber"`
	Title         flexString `json:"title"`
}

// decodeArrRecord decodes one record on its own, so that its faults cost only itself.
func decodeArrRecord(raw json.RawMessage) (*arrRecord, error) {
	var r arrRecord
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, err
	}
	if r.ID == nil || !r.ID.OK {
		return nil, errNoID
	}
	return &r, nil
}

// statusMessage is one item of a record's statusMessages.
type statusMessage struct {
	Title    flexString  `json:"title"`
	Messages flexStrings `json:"messages"`
}

// statusMessages decodes statusMessages in every shape seen: absent, null, [], items
// with messages null or [], the reason in title (Sonarr 4.0.13 on) or in messages
// (before), and stray strings. It never fails: a reason is a nicety.
type statusMessages []statusMessage

// UnmarshalJSON implements json.Unmarshaler.
func (l *statusMessages) UnmarshalJSON(b []byte) error {
	*l = nil
	var raws []json.RawMessage
	switch jsonKind(b) {
	case '[':
		if json.Unmarshal(b, &raws) != nil {
			return nil
		}
	case '{', '"':
		raws = []json.RawMessage{b}
	default:
		return nil
	}
	for _, r := range raws {
		var m statusMessage
		switch jsonKind(r) {
		case '{':
			if json.Unmarshal(r, &m) != nil {
				continue
			}
		case '"':
			m.Title = flexString(unquote(r))
		default:
			continue
		}
		*l = append(*l, m)
	}
	return nil
}

// reasonText renders status messages and a client error as one line: each title, then
// its messages after a colon, lines joined by "; ", repeats dropped. A title that only
// repeats the release name is left out, keeping its messages.
func reasonText(release string, msgs statusMessages, clientErr string) string {
	var parts []string
	seen := map[string]bool{}
	add := func(s string) {
		s = strings.TrimSpace(s)
		if s == "" || seen[strings.ToLower(s)] {
			return
		}
		seen[strings.ToLower(s)] = true
		parts = append(parts, s)
	}
	for _, m := range msgs {
		title := strings.TrimSpace(m.Title.String())
		var texts []string
		for _, t := range m.Messages {
			t = strings.TrimSpace(t)
			if t != "" && !strings.EqualFold(t, title) && !containsFold(texts, t) {
				texts = append(texts, t)
			}
		}
		switch {
		case len(texts) == 0:
			add(title)
		case title == "" || strings.EqualFold(title, release):
			add(strings.Join(texts, "; "))
		default:
			add(title + ": " + strings.Join(texts, "; "))
		}
	}
	add(clientErr)
	return clipRunes(strings.Join(parts, "; "), maxReason)
}

// clipRunes shortens s to n runes, marking the cut with an ellipsis.
func clipRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// containsFold reports whether list holds s, ignoring case.
func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}
