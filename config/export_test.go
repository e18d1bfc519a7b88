package config

// Defaults and ServiceDefaults expose the single source of defaults to the tests that
// hold the example config and the decoder to it.
var (
	Defaults        = defaults
	ServiceDefaults = serviceDefaults
)
