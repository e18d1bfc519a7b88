package config

import (
	"testing"

	"github.com/go-viper/mapstructure/v2"
)

// TestDefaultsMatchDecoder decodes the defaults with every key required and none
// unknown, so the defaults, which are also the schema, and the decoded struct agree.
func TestDefaultsMatchDecoder(t *testing.T) {
	t.Parallel()
	tree := defaults()
	tree["services"] = map[string]any{"sonarr": serviceDefaults()}

	var raw rawConfig
	dc := decoderConfig(&raw)
	dc.ErrorUnset = true
	d, err := mapstructure.NewDecoder(dc)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Decode(tree); err != nil {
		t.Fatalf("defaults and rawConfig disagree: %v", err)
	}
	if raw.Services["sonarr"].Interval.String() != "30s" {
		t.Errorf("service interval default = %v, want 30s", raw.Services["sonarr"].Interval)
	}
}
