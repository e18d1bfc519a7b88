package config

import (
	"errors"
	"fmt"
	"maps"
	"reflect"
	"strings"
	"time"

	"github.com/go-viper/mapstructure/v2"
)

// rawConfig is the configuration as written, before validation. Its koanf tags must
// match the keys of defaults and serviceDefaults (a test holds them together).
type rawConfig struct {
	Discord  rawDiscord            `koanf:"discord"`
	Services map[string]rawService `koanf:"services"`
	StateDir string                `koanf:"state_dir"`
	Log      rawLog                `koanf:"log"`
	Metrics  rawMetrics            `koanf:"metrics"`
}

type rawDiscord struct {
	Token           string        `koanf:"token"`
	TokenFile       string        `koanf:"token_file"`
	ApplicationID   string        `koanf:"application_id"`
	GuildID         string        `koanf:"guild_id"`
	ChannelID       string        `koanf:"channel_id"`
	AlertsChannelID string        `koanf:"alerts_channel_id"`
	AdminRoleIDs    []string      `koanf:"admin_role_ids"`
	AdminUserIDs    []string      `koanf:"admin_user_ids"`
	MentionRoleID   string        `koanf:"mention_role_id"`
	APIURL          string        `koanf:"api_url"`
	BoardRefresh    time.Duration `koanf:"board_refresh"`
}

type rawService struct {
	Kind               string        `koanf:"kind"`
	URL                string        `koanf:"url"`
	APIKey             string        `koanf:"api_key"`
	APIKeyFile         string        `koanf:"api_key_file"`
	Username           string        `koanf:"username"`
	Password           string        `koanf:"password"`
	PasswordFile       string        `koanf:"password_file"`
	Interval           time.Duration `koanf:"interval"`
	Timeout            time.Duration `koanf:"timeout"`
	CAFile             string        `koanf:"ca_file"`
	InsecureSkipVerify bool          `koanf:"insecure_skip_verify"`
	IncludeUnknown     bool          `koanf:"include_unknown"`
}

type rawLog struct {
	Level  string `koanf:"level"`
	Format string `koanf:"format"`
}

type rawMetrics struct {
	Listen string `koanf:"listen"`
}

// decoderConfig is how the key tree becomes a rawConfig: unknown keys are errors,
// strings from the environment convert to booleans and numbers, durations need a unit,
// and a string fills a list by splitting at commas.
func decoderConfig(out any) *mapstructure.DecoderConfig {
	return &mapstructure.DecoderConfig{
		TagName:          "koanf",
		ErrorUnused:      true,
		WeaklyTypedInput: true,
		DecodeHook:       mapstructure.ComposeDecodeHookFunc(durationHook, commaListHook),
		Result:           out,
	}
}

// decode turns the checked key tree into a rawConfig, reporting values of the wrong type.
// Each service is decoded on its own: decoding a map drops an entry when any of its
// values fails, which would hide every other problem of that service, while a struct
// keeps the fields that did decode, so the builder still checks them.
func decode(tree map[string]any, p *problems) rawConfig {
	rest := maps.Clone(tree)
	services, _ := rest["services"].(map[string]any)
	delete(rest, "services")

	var raw rawConfig
	decodeInto(rest, &raw, "", p)
	raw.Services = make(map[string]rawService, len(services))
	for name, entry := range services {
		var rs rawService
		decodeInto(entry, &rs, join("services", name), p)
		raw.Services[name] = rs
	}
	return raw
}

// decodeInto decodes data into out, reporting each value of the wrong type at its key
// path under prefix. A field that fails keeps its zero value.
func decodeInto(data, out any, prefix string, p *problems) {
	d, err := mapstructure.NewDecoder(decoderConfig(out))
	if err != nil {
		p.add(prefix, fmt.Sprintf("build decoder: %v", err))
		return
	}
	if err := d.Decode(data); err != nil {
		for _, leaf := range leaves(err) {
			key, msg := describeDecodeError(leaf)
			p.add(join(prefix, key), msg)
		}
	}
}

// hookError is a decode hook's own message; it never quotes a secret.
type hookError struct{ msg string }

func (e *hookError) Error() string { return e.msg }

var durationType = reflect.TypeFor[time.Duration]()

// durationHook parses durations, refusing bare numbers, which would mean nanoseconds.
func durationHook(from, to reflect.Type, data any) (any, error) {
	if to != durationType {
		return data, nil
	}
	switch from.Kind() {
	case reflect.String:
		s := strings.TrimSpace(data.(string))
		d, err := time.ParseDuration(s)
		if err != nil {
			return nil, &hookError{fmt.Sprintf("invalid duration %q: use a number with a unit, "+
				"e.g. 30s, 5m or 1h30m", s)}
		}
		return d, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return nil, &hookError{fmt.Sprintf("duration %v has no unit: write e.g. %vs", data, data)}
	}
	return data, nil
}

var stringsType = reflect.TypeFor[[]string]()

// commaListHook splits "1, 2,3" into a list, for lists set from the environment.
func commaListHook(from, to reflect.Type, data any) (any, error) {
	if to != stringsType {
		return data, nil
	}
	switch from.Kind() {
	case reflect.String:
	case reflect.Map, reflect.Struct:
		return nil, &hookError{expectMessage(stringsType)}
	default:
		return data, nil
	}
	list := []string{}
	for _, item := range strings.Split(data.(string), ",") {
		if item = strings.TrimSpace(item); item != "" {
			list = append(list, item)
		}
	}
	return list, nil
}

// leaves flattens the tree of wrapped and joined errors mapstructure returns into
// one error per key.
func leaves(err error) []error {
	var de *mapstructure.DecodeError
	if errors.As(err, &de) && de == err {
		return []error{err}
	}
	switch e := err.(type) {
	case interface{ Unwrap() []error }:
		var out []error
		for _, inner := range e.Unwrap() {
			out = append(out, leaves(inner)...)
		}
		return out
	case interface{ Unwrap() error }:
		return leaves(e.Unwrap())
	}
	return []error{err}
}

// describeDecodeError turns one mapstructure error into a key path and a message that
// names the expected type but never quotes the value.
func describeDecodeError(err error) (string, string) {
	var de *mapstructure.DecodeError
	if !errors.As(err, &de) {
		return "", "decode: " + err.Error()
	}
	key := de.Name()

	var he *hookError
	var ut *mapstructure.UnconvertibleTypeError
	var pe *mapstructure.ParseError
	switch {
	case errors.As(err, &he):
		return key, he.msg
	case errors.As(err, &ut):
		return key, expectMessage(ut.Expected.Type())
	case errors.As(err, &pe):
		return key, expectMessage(pe.Expected.Type())
	}
	// Only key names remain in the rest (unused keys), never values.
	return key, de.Unwrap().Error()
}

// expectMessage says which type a key needs.
func expectMessage(t reflect.Type) string {
	switch {
	case t == durationType:
		return "must be a duration such as 30s or 5m"
	case t == stringsType:
		return "must be a list of IDs, or one comma-separated string"
	case t.Kind() == reflect.Bool:
		return "must be true or false"
	case t.Kind() == reflect.String:
		return "must be a single value (a string or a number), not a list or mapping"
	case t.Kind() == reflect.Map, t.Kind() == reflect.Struct:
		return "must be a mapping"
	}
	return "has the wrong type"
}
