package servicetest

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// sortRecords orders records by key (a field, or a dotted path such as
// "series.sortTitle"); records lacking the field go last whatever the direction, and ties
// keep id order so pages stay stable between polls.
func sortRecords(records []map[string]any, key string, desc bool) {
	slices.SortStableFunc(records, func(x, y map[string]any) int {
		vx, okx := sortValue(x, key)
		vy, oky := sortValue(y, key)
		switch {
		case !okx && !oky:
		case !okx:
			return 1
		case !oky:
			return -1
		default:
			c := compareValues(vx, vy)
			if desc {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return cmp.Compare(intOf(x["id"]), intOf(y["id"]))
	})
}

// sortValue returns the value sorted on; "timeleft" sorts as a duration, "progress" as
// the downloaded fraction.
func sortValue(rec map[string]any, key string) (any, bool) {
	switch key {
	case "timeleft":
		d, ok := parseTimeSpan(stringOf(rec["timeleft"]))
		return float64(d), ok
	case "progress":
		size, left := floatOf(rec["size"]), floatOf(rec["sizeleft"])
		if size <= 0 {
			return 0.0, true
		}
		return (size - left) / size, true
	}
	var v any = rec
	for _, part := range strings.Split(key, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[part]; !ok || v == nil {
			return nil, false
		}
	}
	return v, true
}

// compareValues orders numbers numerically and everything else as text.
func compareValues(x, y any) int {
	fx, okx := number(x)
	fy, oky := number(y)
	if okx && oky {
		return cmp.Compare(fx, fy)
	}
	return strings.Compare(strings.ToLower(stringOf(x)), strings.ToLower(stringOf(y)))
}

// number converts JSON-ish numeric values to float64.
func number(v any) (float64, bool) {
	switch n := v.(type) {
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case float64:
		return n, true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	}
	return 0, false
}

// floatOf returns v as a number, or 0.
func floatOf(v any) float64 {
	f, _ := number(v)
	return f
}

// intOf returns v as an int, or 0.
func intOf(v any) int { return int(floatOf(v)) }

// stringOf returns v as text: strings as they are, nil as "", others formatted.
func stringOf(v any) string {
	switch s := v.(type) {
	case nil:
		return ""
	case string:
		return s
	}
	return fmt.Sprint(v)
}

// formatTimeSpan writes d as .NET does: "hh:mm:ss", or "d.hh:mm:ss" from one day on.
func formatTimeSpan(d time.Duration) string {
	d = max(d, 0).Round(time.Second)
	days := int(d / (24 * time.Hour))
	d -= time.Duration(days) * 24 * time.Hour
	h, m, s := int(d/time.Hour), int(d/time.Minute)%60, int(d/time.Second)%60
	if days > 0 {
		return fmt.Sprintf("%d.%02d:%02d:%02d", days, h, m, s)
	}
	return fmt.Sprintf("%02d:%02d:%02d", h, m, s)
}

// parseTimeSpan reads "hh:mm:ss" or "d.hh:mm:ss" (fractional seconds allowed).
func parseTimeSpan(s string) (time.Duration, bool) {
	var days int
	if dot := strings.Index(s, "."); dot >= 0 && dot < strings.Index(s, ":") {
		n, err := strconv.Atoi(s[:dot])
		if err != nil {
			return 0, false
		}
		days, s = n, s[dot+1:]
	}
	parts := strings.Split(s, ":")
	if len(parts) != 3 {
		return 0, false
	}
	h, err1 := strconv.Atoi(parts[0])
	m, err2 := strconv.Atoi(parts[1])
	sec, err3 := strconv.ParseFloat(parts[2], 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return 0, false
	}
	d := time.Duration(days)*24*time.Hour + time.Duration(h)*time.Hour +
		time.Duration(m)*time.Minute + time.Duration(sec*float64(time.Second))
	return d, true
}
