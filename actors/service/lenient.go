package service

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"strconv"
	"strings"
)

// The lenient types below decode a field from whatever JSON form the services send:
// a number, a numeric string, null or an absent key. A value that cannot be read as
// the field's type but has the right JSON kind (a string that is no number) decodes as
// unknown; only a wrong JSON kind (an object for a number) is an error, and that error
// names the field and the kind but never the value.

// flexInt is an integer known only when OK. Floats are truncated.
type flexInt struct {
	V  int64
	OK bool
}

// UnmarshalJSON implements json.Unmarshaler.
func (n *flexInt) UnmarshalJSON(b []byte) error {
	*n = flexInt{}
	text, err := scalarText(b, reflect.TypeFor[int64]())
	if err != nil || text == "" {
		return err
	}
	n.V, n.OK = parseInt(text)
	return nil
}

// flexFloat is a float known only when OK.
type flexFloat struct {
	V  float64
	OK bool
}

// UnmarshalJSON implements json.Unmarshaler.
func (f *flexFloat) UnmarshalJSON(b []byte) error {
	*f = flexFloat{}
	text, err := scalarText(b, reflect.TypeFor[float64]())
	if err != nil || text == "" {
		return err
	}
	v, perr := strconv.ParseFloat(text, 64)
	if perr == nil && !math.IsNaN(v) && !math.IsInf(v, 0) {
		f.V, f.OK = v, true
	}
	return nil
}

// flexString is text from a string, a number or a boolean; null is empty.
type flexString string

// UnmarshalJSON implements json.Unmarshaler.
func (s *flexString) UnmarshalJSON(b []byte) error {
	text, err := scalarText(b, reflect.TypeFor[string]())
	*s = flexString(text)
	return err
}

// String returns the text.
func (s flexString) String() string { return string(s) }

// flexStrings is a list of texts from an array, a single string or null. Elements that
// are not scalars are dropped.
type flexStrings []string

// UnmarshalJSON implements json.Unmarshaler.
func (l *flexStrings) UnmarshalJSON(b []byte) error {
	*l = nil
	if jsonKind(b) != '[' {
		if text, err := scalarText(b, reflect.TypeFor[string]()); err == nil && text != "" {
			*l = flexStrings{text}
		}
		return nil
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(b, &raws); err != nil {
		return nil
	}
	for _, r := range raws {
		if text, err := scalarText(r, reflect.TypeFor[string]()); err == nil && text != "" {
			*l = append(*l, text)
		}
	}
	return nil
}

// scalarText returns the text of a JSON scalar: a string unquoted, a number or boolean
// as written, null as "". Objects and arrays are a type error for t.
func scalarText(b []byte, t reflect.Type) (string, error) {
	switch k := jsonKind(b); k {
	case 'n', 0:
		return "", nil
	case '"':
		return unquote(b), nil
	case 't', 'f', '0':
		return string(b), nil
	default:
		return "", &json.UnmarshalTypeError{Value: kindName(k), Type: t}
	}
}

// jsonKind classifies a JSON value by its first byte: '"', '{', '[', 't', 'f', 'n',
// '0' for a number, or 0 when empty.
func jsonKind(b []byte) byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\n' || b[0] == '\r') {
		b = b[1:]
	}
	if len(b) == 0 {
		return 0
	}
	switch c := b[0]; c {
	case '"', '{', '[', 't', 'f', 'n':
		return c
	}
	return '0'
}

// kindName names a jsonKind as encoding/json does in its type errors.
func kindName(k byte) string {
	switch k {
	case '{':
		return "object"
	case '[':
		return "array"
	}
	return "value"
}

// unquote returns the content of a JSON string, taking the fast path when it holds
// no escapes.
func unquote(b []byte) string {
	if len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' {
		inner := b[1 : len(b)-1]
		if bytes.IndexByte(inner, '\\') < 0 && bytes.IndexByte(inner, '"') < 0 {
			return string(inner)
		}
	}
	var s string
	if json.Unmarshal(b, &s) != nil {
		return ""
	}
	return s
}

// parseInt reads an integer from decimal text, accepting floats and exponents.
func parseInt(text string) (int64, bool) {
	text = strings.TrimSpace(text)
	if v, err := strconv.ParseInt(text, 10, 64); err == nil {
		return v, true
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsNaN(f) || f >= math.MaxInt64 || f <= math.MinInt64 {
		return 0, false
	}
	return int64(f), true
}
