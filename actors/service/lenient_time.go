package service

import (
	"reflect"
	"strconv"
	"strings"
	"time"
)

// flexTime is an instant known only when OK: an ISO-8601 string (with or without a zone;
// none means UTC) or Unix seconds. The zero instant "0001-01-01T00:00:00Z" is unknown.
type flexTime struct {
	V  time.Time
	OK bool
}

// timeLayouts are the forms of timestamps the services send.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05",
	"2006-01-02",
}

// UnmarshalJSON implements json.Unmarshaler.
func (t *flexTime) UnmarshalJSON(b []byte) error {
	*t = flexTime{}
	text, err := scalarText(b, reflect.TypeFor[time.Time]())
	if err != nil || text == "" {
		return err
	}
	if jsonKind(b) == '0' {
		if secs, ok := parseInt(text); ok && secs > 0 {
			t.V, t.OK = time.Unix(secs, 0).UTC(), true
		}
		return nil
	}
	for _, layout := range timeLayouts {
		if v, perr := time.Parse(layout, text); perr == nil {
			t.V, t.OK = v.UTC(), v.Year() > 1
			return nil
		}
	}
	return nil
}

// flexDuration is a span known only when OK: a .NET TimeSpan string as the *arr apps
// write it ("hh:mm:ss", "d.hh:mm:ss", "hh:mm:ss.fffffff", "d:hh:mm:ss") or seconds.
// Negative spans are unknown.
type flexDuration struct {
	V  time.Duration
	OK bool
}

// UnmarshalJSON implements json.Unmarshaler.
func (d *flexDuration) UnmarshalJSON(b []byte) error {
	*d = flexDuration{}
	text, err := scalarText(b, reflect.TypeFor[time.Duration]())
	if err != nil || text == "" {
		return err
	}
	if jsonKind(b) == '0' {
		if secs, ok := parseInt(text); ok && secs >= 0 {
			d.V, d.OK = time.Duration(secs)*time.Second, true
		}
		return nil
	}
	d.V, d.OK = parseTimeSpan(text)
	return nil
}

// parseTimeSpan reads a .NET TimeSpan in its constant ("c") or general ("g") form.
func parseTimeSpan(s string) (time.Duration, bool) {
	s = strings.TrimSpace(s)
	if s == "" || s[0] == '-' {
		return 0, false
	}
	var days int64
	colon := strings.IndexByte(s, ':')
	if colon < 0 {
		return 0, false
	}
	if dot := strings.IndexByte(s[:colon], '.'); dot >= 0 {
		n, err := strconv.ParseInt(s[:dot], 10, 32)
		if err != nil {
			return 0, false
		}
		days, s = n, s[dot+1:]
	}
	parts := strings.Split(s, ":")
	if len(parts) == 4 && days == 0 {
		n, err := strconv.ParseInt(parts[0], 10, 32)
		if err != nil {
			return 0, false
		}
		days, parts = n, parts[1:]
	}
	if len(parts) < 2 || len(parts) > 3 {
		return 0, false
	}
	hours, errH := strconv.ParseInt(parts[0], 10, 32)
	mins, errM := strconv.ParseInt(parts[1], 10, 32)
	if errH != nil || errM != nil || hours < 0 || mins < 0 || mins > 59 {
		return 0, false
	}
	secs := time.Duration(0)
	if len(parts) == 3 {
		f, err := strconv.ParseFloat(parts[2], 64)
		if err != nil || f < 0 || f >= 60 {
			return 0, false
		}
		secs = time.Duration(f * float64(time.Second))
	}
	total := time.Duration(days)*24*time.Hour + time.Duration(hours)*time.Hour +
		time.Duration(mins)*time.Minute + secs
	return total, true
}
