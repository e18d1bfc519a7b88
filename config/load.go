package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/knadh/koanf/providers/confmap"
	"github.com/knadh/koanf/providers/env/v2"
	"github.com/knadh/koanf/providers/file"
	"github.com/knadh/koanf/v2"
)

// FileName is the config file looked for in the working directory.
const FileName = "discarr.yaml"

// SystemPath is the config file used when the working directory has none.
const SystemPath = "/etc/discarr/discarr.yaml"

// EnvPrefix starts every environment variable that sets a config key; "__" separates
// the levels: DISCARR_SERVICES__SONARR__API_KEY sets services.sonarr.api_key.
const EnvPrefix = "DISCARR_"

// LoadOptions says where Load looks. The zero value uses the process's environment and
// working directory.
type LoadOptions struct {
	// Path is the config file to load; it must exist. "" searches FileName in WorkDir,
	// then SystemPath, and loads no file when neither exists.
	Path string
	// Environ is the environment, as os.Environ returns it; nil means os.Environ().
	// CREDENTIALS_DIRECTORY and STATE_DIRECTORY are read from it too.
	Environ []string
	// CredentialsDir resolves relative *_file secrets; "" means $CREDENTIALS_DIRECTORY,
	// and when that is unset too, the config file's directory.
	CredentialsDir string
	// StateDirEnv is the default state_dir; "" means $STATE_DIRECTORY (its first entry).
	StateDirEnv string
	// WorkDir resolves relative paths (Path, state_dir); "" means the current directory.
	WorkDir string
	// Supported, when set, lists the kinds the running binary can watch: any other
	// known kind is a problem too, so that an admin hears of it before going live.
	Supported []string
}

// Load reads defaults, then the config file, then DISCARR_ environment variables, and
// validates the result. Validation problems come back together as an *Error; a config
// file that cannot be found, read or parsed gives a plain error naming the file.
func Load(opts LoadOptions) (*Config, error) {
	environ := opts.Environ
	if environ == nil {
		environ = os.Environ()
	}
	workDir, err := resolveWorkDir(opts.WorkDir)
	if err != nil {
		return nil, err
	}
	path, err := findFile(opts.Path, workDir)
	if err != nil {
		return nil, err
	}
	p := newProblems()
	k, err := layers(path, environ, p)
	if err != nil {
		return nil, err
	}

	// Check the keys, decode, then validate and resolve what was decoded.
	raw := decode(checkKeys(k.Raw(), p), p)
	b := builder{
		p:        p,
		workDir:  workDir,
		credDir:  credentialsDir(opts, environ, workDir),
		stateEnv: stateDirEnv(opts, environ),
		fileDir:  workDir,
		support:  opts.Supported,
	}
	if path != "" {
		b.fileDir = filepath.Dir(path)
	}
	cfg := b.build(raw)
	cfg.Source = path
	if err := p.err(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// layers loads the sources in order, later ones winning: the defaults, the config file
// at path (none when ""), the environment.
func layers(path string, environ []string, p *problems) (*koanf.Koanf, error) {
	k := koanf.New(".")
	if err := k.Load(confmap.Provider(defaults(), ""), nil); err != nil {
		return nil, fmt.Errorf("load defaults: %w", err)
	}
	if path != "" {
		if err := k.Load(file.Provider(path), yamlParser{}); err != nil {
			return nil, fileError(path, err)
		}
	}
	envProvider := env.Provider(".", env.Opt{
		Prefix:        EnvPrefix,
		TransformFunc: envTransform(p),
		EnvironFunc:   func() []string { return environ },
	})
	if err := k.Load(envProvider, nil); err != nil {
		return nil, fmt.Errorf("load environment: %w", err)
	}
	return k, nil
}

func resolveWorkDir(dir string) (string, error) {
	if dir == "" {
		wd, err := os.Getwd()
		if err != nil {
			return "", fmt.Errorf("get working directory: %w", err)
		}
		return wd, nil
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("resolve working directory %s: %w", dir, err)
	}
	return abs, nil
}

// findFile returns the absolute path of the config file to load, "" for none.
func findFile(path, workDir string) (string, error) {
	if path != "" {
		abs := absUnder(workDir, path)
		if _, err := os.Stat(abs); err != nil {
			return "", fmt.Errorf("open config file: %w", err)
		}
		return abs, nil
	}
	for _, candidate := range []string{filepath.Join(workDir, FileName), SystemPath} {
		_, err := os.Stat(candidate)
		if err == nil {
			return candidate, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("look for config file: %w", err)
		}
	}
	return "", nil
}

// fileError wraps an error from loading the config file, telling reading from parsing.
func fileError(path string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("read config file: %w", err)
	}
	return fmt.Errorf("parse config file %s: %w", path, err)
}

// absUnder makes path absolute, relative paths being taken relative to dir.
func absUnder(dir, path string) string {
	if filepath.IsAbs(path) {
		return filepath.Clean(path)
	}
	return filepath.Join(dir, path)
}

// lookupEnv finds name in environ.
func lookupEnv(environ []string, name string) string {
	value := ""
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok && k == name {
			value = v
		}
	}
	return value
}

func credentialsDir(opts LoadOptions, environ []string, workDir string) string {
	dir := opts.CredentialsDir
	if dir == "" {
		dir = lookupEnv(environ, "CREDENTIALS_DIRECTORY")
	}
	if dir == "" {
		return ""
	}
	return absUnder(workDir, dir)
}

// stateDirEnv returns the state directory systemd assigned; STATE_DIRECTORY lists one
// path per StateDirectory= entry, separated by colons, and the first one is discarr's.
func stateDirEnv(opts LoadOptions, environ []string) string {
	if opts.StateDirEnv != "" {
		return opts.StateDirEnv
	}
	first, _, _ := strings.Cut(lookupEnv(environ, "STATE_DIRECTORY"), ":")
	return first
}
