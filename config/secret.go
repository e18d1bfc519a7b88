package config

import (
	"fmt"
	"log/slog"
)

// Secret holds a credential: a bot token, an API key or a password. Every way of
// printing, logging or marshalling it renders only whether it is set ("[set]" or
// "[unset]"); Reveal returns the value for the one place that sends it.
type Secret string

const (
	redactedSet   = "[set]"
	redactedUnset = "[unset]"
)

// Reveal returns the secret's value.
func (s Secret) Reveal() string { return string(s) }

// IsSet reports whether the secret has a value.
func (s Secret) IsSet() bool { return s != "" }

// String renders the secret redacted.
func (s Secret) String() string {
	if s.IsSet() {
		return redactedSet
	}
	return redactedUnset
}

// GoString renders the secret redacted for %#v.
func (s Secret) GoString() string { return s.String() }

// Format renders the secret redacted for every fmt verb, so even a verb meant for
// numbers (%d, %x) cannot print the value; %q quotes the redacted text.
func (s Secret) Format(f fmt.State, verb rune) {
	// fmt.State writes into fmt's own buffer; the Fprintf that called Format
	// reports any failure to write that buffer out.
	if verb == 'q' {
		_, _ = fmt.Fprintf(f, "%q", s.String())
		return
	}
	_, _ = fmt.Fprint(f, s.String())
}

// LogValue renders the secret redacted for log/slog.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MarshalJSON renders the secret redacted as a JSON string.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + s.String() + `"`), nil }

// MarshalText renders the secret redacted for text encoders.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }
