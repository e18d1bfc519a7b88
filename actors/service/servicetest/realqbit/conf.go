package realqbit

import (
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha512"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Password hashing parameters of qBittorrent 4.5's WebUI\Password_PBKDF2 key.
const (
	pbkdf2Iterations = 100000
	pbkdf2SaltLen    = 16
	pbkdf2KeyLen     = 64
)

// profileConf is everything that goes into one daemon's qBittorrent.conf.
type profileConf struct {
	webPort       int
	sessionPort   int
	username      string
	password      string // empty: no password check for 127.0.0.1
	downloadLimit int64  // bytes per second, 0 = unlimited
	savePath      string
}

// passwordPBKDF2 returns the value qBittorrent stores for a WebUI password:
// @ByteArray(salt:key) with both parts in standard base64.
func passwordPBKDF2(password string) (string, error) {
	salt := make([]byte, pbkdf2SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("generate password salt: %w", err)
	}
	return passwordPBKDF2Salted(password, salt)
}

// passwordPBKDF2Salted is passwordPBKDF2 with a given salt.
func passwordPBKDF2Salted(password string, salt []byte) (string, error) {
	key, err := pbkdf2.Key(sha512.New, password, salt, pbkdf2Iterations, pbkdf2KeyLen)
	if err != nil {
		return "", fmt.Errorf("derive password key: %w", err)
	}
	enc := base64.StdEncoding
	return "@ByteArray(" + enc.EncodeToString(salt) + ":" + enc.EncodeToString(key) + ")", nil
}

// render writes the configuration in the QSettings INI format qBittorrent
// reads. Keys sit in the sections qBittorrent 4.5 itself writes them to.
func (c profileConf) render() (string, error) {
	var b strings.Builder
	line := func(key, value string) { b.WriteString(key + "=" + value + "\n") }

	// Accepting the legal notice is what lets the daemon start without a prompt.
	b.WriteString("[LegalNotice]\n")
	line("Accepted", "true")

	// MigrationVersion 4 is what 4.5 writes: no settings migration runs over ours.
	b.WriteString("\n[Meta]\n")
	line("MigrationVersion", "4")

	// The BitTorrent session: bound to loopback only, no peer discovery.
	b.WriteString("\n[BitTorrent]\n")
	line(`Session\Port`, strconv.Itoa(c.sessionPort))
	line(`Session\Interface`, "lo")
	line(`Session\InterfaceName`, "lo")
	line(`Session\InterfaceAddress`, "127.0.0.1")
	line(`Session\DHTEnabled`, "false")
	line(`Session\LSDEnabled`, "false")
	line(`Session\PeXEnabled`, "false")
	line(`Session\QueueingSystemEnabled`, "false")
	line(`Session\DefaultSavePath`, c.savePath)
	line(`Session\TempPathEnabled`, "false")
	if c.downloadLimit > 0 {
		line(`Session\GlobalDLSpeedLimit`, strconv.FormatInt(kibPerSecond(c.downloadLimit), 10))
	}

	b.WriteString("\n[Network]\n")
	line("PortForwardingEnabled", "false")

	// The WebUI: loopback only, no ban after failed logins. Resolving peer
	// countries would download a geolocation database at start.
	b.WriteString("\n[Preferences]\n")
	line(`Connection\ResolvePeerCountries`, "false")
	line(`WebUI\Address`, "127.0.0.1")
	line(`WebUI\Port`, strconv.Itoa(c.webPort))
	line(`WebUI\UseUPnP`, "false")
	line(`WebUI\HostHeaderValidation`, "false")
	line(`WebUI\MaxAuthenticationFailCount`, "0")
	line(`WebUI\Username`, c.username)
	if c.password == "" {
		line(`WebUI\LocalHostAuth`, "false")
		return b.String(), nil
	}
	hash, err := passwordPBKDF2(c.password)
	if err != nil {
		return "", err
	}
	line(`WebUI\LocalHostAuth`, "true")
	line(`WebUI\Password_PBKDF2`, `"`+hash+`"`)
	return b.String(), nil
}

// kibPerSecond converts a limit in bytes per second to the KiB/s qBittorrent
// stores, rounding up so that a small positive limit never becomes "unlimited".
func kibPerSecond(bytesPerSecond int64) int64 {
	return (bytesPerSecond + 1023) / 1024
}

// write creates <profile>/qBittorrent/config/qBittorrent.conf.
func (c profileConf) write(profile string) error {
	text, err := c.render()
	if err != nil {
		return err
	}
	dir := filepath.Join(profile, "qBittorrent", "config")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create profile config dir: %w", err)
	}
	path := filepath.Join(dir, "qBittorrent.conf")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
