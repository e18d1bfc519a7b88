package service

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
)

func TestTimeSpansDecodeInEveryFormTheArrAppsWrite(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{`"00:18:33"`, 18*time.Minute + 33*time.Second, true},
		{`"1.02:03:04"`, 26*time.Hour + 3*time.Minute + 4*time.Second, true},
		{`"00:00:01.5000000"`, 1500 * time.Millisecond, true},
		{`"3.00:00:00.1234567"`, 72*time.Hour + 123456700*time.Nanosecond, true},
		{`"2:01:00:00"`, 49 * time.Hour, true},
		{`"26:12:05"`, 26*time.Hour + 12*time.Minute + 5*time.Second, true},
		{`"00:00:00"`, 0, true},
		{`90`, 90 * time.Second, true},
		{`"-00:00:05"`, 0, false},
		{`"soon"`, 0, false},
		{`"00:61:00"`, 0, false},
		{`null`, 0, false},
		{`""`, 0, false},
	}
	for _, tt := range tests {
		var d flexDuration
		if err := json.Unmarshal([]byte(tt.in), &d); err != nil {
			t.Errorf("%s: %v", tt.in, err)
			continue
		}
		if d.OK != tt.ok || d.V != tt.want {
			t.Errorf("%s = %v (ok %v), want %v (ok %v)", tt.in, d.V, d.OK, tt.want, tt.ok)
		}
	}
}

func TestNumbersDecodeFromNumbersStringsFloatsAndNull(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{`42`, 42, true}, {`"42"`, 42, true}, {`42.9`, 42, true}, {`"5870368312.844"`, 5870368312, true},
		{`1e3`, 1000, true}, {`-1`, -1, true}, {`9223372036854775807`, 9223372036854775807, true},
		{`null`, 0, false}, {`""`, 0, false}, {`"n/a"`, 0, false}, {`true`, 0, false}, {`1e300`, 0, false},
	}
	for _, tt := range tests {
		var n flexInt
		if err := json.Unmarshal([]byte(tt.in), &n); err != nil {
			t.Errorf("%s: %v", tt.in, err)
			continue
		}
		if n.OK != tt.ok || n.V != tt.want {
			t.Errorf("%s = %d (ok %v), want %d (ok %v)", tt.in, n.V, n.OK, tt.want, tt.ok)
		}
	}
}

func TestWrongJSONKindIsATypeErrorNamingTheFieldNotTheValue(t *testing.T) {
	t.Parallel()
	var r arrRecord
	err := json.Unmarshal([]byte(`{"id":1,"size":{"secret":"value"}}`), &r)
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) || te.Field != "size" || te.Value != "object" {
		t.Fatalf("err %v, want a type error for field size", err)
	}
}

func TestTimesDecodeWithOrWithoutZoneAndFromUnixSeconds(t *testing.T) {
	t.Parallel()
	want := time.Date(2024, 7, 9, 4, 48, 16, 0, time.UTC)
	forms := []string{`"2024-07-09T04:48:16Z"`, `"2024-07-09T04:48:16"`, `"2024-07-09T06:48:16+02:00"`, `1720500496`}
	for _, in := range forms {
		var v flexTime
		if err := json.Unmarshal([]byte(in), &v); err != nil || !v.OK || !v.V.Equal(want) {
			t.Errorf("%s = %v (ok %v, err %v)", in, v.V, v.OK, err)
		}
	}
	for _, in := range []string{`null`, `"0001-01-01T00:00:00Z"`, `"yesterday"`, `""`} {
		var v flexTime
		if err := json.Unmarshal([]byte(in), &v); err != nil || v.OK {
			t.Errorf("%s decoded as known %v (err %v)", in, v.V, err)
		}
	}
}

func TestStatusMessagesAcceptEveryShape(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{`null`, ""},
		{`[]`, ""},
		{`[{"title":"Not a Custom Format upgrade for existing episode file(s)","messages":[]}]`,
			"Not a Custom Format upgrade for existing episode file(s)"},
		{`[{"title":"Show.Name.S01E06.mkv","messages":["Not an upgrade for existing episode file(s)"]}]`,
			"Show.Name.S01E06.mkv: Not an upgrade for existing episode file(s)"},
		{`[{"title":"A","messages":null},{"title":"A","messages":["A"]},{"title":null,"messages":["B","B"]}]`, "A; B"},
		{`[{"title":"Rel","messages":["Title mismatch"]}]`, "Title mismatch"},
		{`["plain text", 3, {"messages":"one"}]`, "plain text; one"},
		{`{"title":"lone object"}`, "lone object"},
	}
	for _, tt := range tests {
		var m statusMessages
		if err := json.Unmarshal([]byte(tt.in), &m); err != nil {
			t.Errorf("%s: %v", tt.in, err)
			continue
		}
		if got := reasonText("Rel", m, ""); got != tt.want {
			t.Errorf("%s → %q, want %q", tt.in, got, tt.want)
		}
	}
}
