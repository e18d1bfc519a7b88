package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The systemd unit shipped beside the daemon, and where it expects the binary.
const (
	unitFile      = "discarr.service"
	unitBinary    = "/usr/local/bin/discarr"
	maxUnitScore  = 2.0
	unitTestsName = "discarr-unit-test.service"
)

// TestUnitKeepsItsPromises pins the lines the daemon and the README rely on, and
// keeps out what systemd 252 (Debian 12) does not know, since a newer systemd-analyze
// would accept those silently.
func TestUnitKeepsItsPromises(t *testing.T) {
	t.Parallel()
	unit := readUnit(t, unitFile)
	prevent := fmt.Sprintf("%d %d %d", exitBadConfig, exitTokenRefused, exitAlreadyRuning)

	required := []struct{ section, key, value string }{
		{"Unit", "Wants", "network-online.target"},
		{"Unit", "After", "network-online.target"},
		{"Service", "Type", "notify"},
		{"Service", "NotifyAccess", "main"},
		{"Service", "WatchdogSec", "30s"},
		{"Service", "ExecStartPre", unitBinary + " check --offline"},
		{"Service", "ExecStart", unitBinary + " run"},
		{"Service", "ExecReload", "/bin/kill -HUP $MAINPID"},
		{"Service", "Restart", "on-failure"},
		{"Service", "RestartPreventExitStatus", prevent},
		// A panic or the watchdog's SIGABRT must not look like exit status 2.
		{"Service", "Environment", "GOTRACEBACK=crash"},
		{"Service", "StateDirectory", "discarr"},
		{"Service", "ConfigurationDirectory", "discarr"},
		{"Service", "LoadCredential", "discord-token:/etc/credstore/discarr.discord-token"},
		{"Service", "DynamicUser", "yes"},
		{"Service", "RestrictAddressFamilies", "AF_UNIX AF_INET AF_INET6"},
	}
	for _, r := range required {
		if !unit.has(r.section, r.key, r.value) {
			t.Errorf("[%s] lacks %s=%s", r.section, r.key, r.value)
		}
	}
	for _, key := range []string{"StartLimitIntervalSec", "StartLimitBurst"} {
		if len(unit.values("Unit", key)) == 0 {
			t.Errorf("[Unit] lacks %s", key)
		}
	}

	forbidden := []struct{ key, why string }{
		{"RestartSteps", "systemd 254"},
		{"RestartMaxDelaySec", "systemd 254"},
		{"IPAddressDeny", "the media services live on the LAN"},
		{"PrivateNetwork", "discarr needs the network"},
	}
	for _, f := range forbidden {
		if len(unit.values("Service", f.key)) > 0 {
			t.Errorf("[Service] sets %s (%s)", f.key, f.why)
		}
	}
	if unit.has("Service", "Type", "notify-reload") {
		t.Error("Type=notify-reload needs systemd 253")
	}
}

// TestUnitPassesSystemdAnalyze runs systemd's own checks on a copy of the unit that
// points at a freshly built binary: verify must print nothing at all (it exits 0 on
// unknown keys and only warns), and the exposure score must stay at most 2.0.
func TestUnitPassesSystemdAnalyze(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("systemd-analyze"); err != nil {
		skipOrFail(t, "systemd-analyze is not installed (Debian package systemd)")
	}
	dir := t.TempDir()
	bin := buildDaemon(t, dir)
	unit := copyUnit(t, unitFile, dir, unitBinary, bin)

	cases := []struct {
		name  string
		check func(t *testing.T, unit string)
	}{
		{"verify prints nothing", verifyUnit},
		{"security exposure at most 2.0", checkExposure},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.check(t, unit)
		})
	}
}

// TestMakeInstallStartsWhatItInstalled runs `make install` into a temporary DESTDIR
// with a PREFIX of its own and checks that the unit it installs runs the binary it
// installed, next to the example configuration.
func TestMakeInstallStartsWhatItInstalled(t *testing.T) {
	t.Parallel()
	for _, tool := range []string{"make", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			skipOrFail(t, tool+" is not on the PATH; make install cannot run")
		}
	}
	dir := t.TempDir()
	dest, prefix := filepath.Join(dir, "root"), "/opt/discarr"
	out, err := exec.Command("make", "-C", filepath.Join("..", ".."), "install",
		"DESTDIR="+dest, "PREFIX="+prefix, "BIN="+filepath.Join(dir, "bin")).CombinedOutput()
	if err != nil {
		t.Fatalf("make install: %v\n%s", err, out)
	}

	files := []struct {
		path string
		mode os.FileMode
	}{
		{prefix + "/bin/discarr", 0o755},
		{"/etc/systemd/system/discarr.service", 0o644},
		{"/etc/discarr/discarr.example.yaml", 0o644},
	}
	for _, f := range files {
		st, err := os.Stat(filepath.Join(dest, f.path))
		if err != nil {
			t.Errorf("make install left no %s: %v", f.path, err)
			continue
		}
		if st.Mode().Perm() != f.mode {
			t.Errorf("%s has mode %v, want %v", f.path, st.Mode().Perm(), f.mode)
		}
	}

	unit := readUnit(t, filepath.Join(dest, "etc", "systemd", "system", "discarr.service"))
	for _, key := range []string{"ExecStartPre", "ExecStart"} {
		for _, v := range unit.values("Service", key) {
			if exe, _, _ := strings.Cut(v, " "); exe != prefix+"/bin/discarr" {
				t.Errorf("installed unit has %s=%s, want %s/bin/discarr", key, v, prefix)
			}
		}
	}
}

// verifyUnit fails on any output of systemd-analyze verify.
func verifyUnit(t *testing.T, unit string) {
	// --man=no: container images carry no man pages, so man: references would be
	// reported missing whatever the unit says. --generators=no: generators need root
	// and describe this machine, not the unit.
	stdout, stderr, err := analyze(t, "verify", "--man=no", "--generators=no", unit)
	if err != nil || stderr != "" || stdout != "" {
		t.Fatalf("systemd-analyze verify %s: %v\nstdout:\n%s\nstderr:\n%s", unit, err, stdout, stderr)
	}
}

// exposureRe finds the overall score in systemd-analyze security's table.
var exposureRe = regexp.MustCompile(`Overall exposure level for \S+: ([0-9]+(?:\.[0-9]+)?)`)

// checkExposure fails when the offline security score is above maxUnitScore.
func checkExposure(t *testing.T, unit string) {
	stdout, stderr, err := analyze(t, "security", "--offline=true", "--no-pager", unit)
	if err != nil {
		t.Fatalf("systemd-analyze security %s: %v\n%s%s", unit, err, stdout, stderr)
	}
	m := exposureRe.FindStringSubmatch(stdout)
	if m == nil {
		t.Fatalf("no overall exposure level in:\n%s%s", stdout, stderr)
	}
	score, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		t.Fatalf("parse exposure level %q: %v", m[1], err)
	}
	t.Logf("exposure level %.1f", score)
	if score > maxUnitScore {
		t.Errorf("exposure level %.1f, want at most %.1f:\n%s", score, maxUnitScore, stdout)
	}
}

// analyze runs systemd-analyze with its logs forced onto stderr: under a service
// manager (JOURNAL_STREAM set) it would otherwise log to the journal, and an
// inherited SYSTEMD_LOG_LEVEL=err would hide the warnings verify prints.
func analyze(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	cmd := exec.Command("systemd-analyze", args...)
	cmd.Env = append(os.Environ(), "SYSTEMD_LOG_TARGET=console", "SYSTEMD_LOG_LEVEL=info",
		"SYSTEMD_LOG_COLOR=0", "SYSTEMD_COLORS=0", "SYSTEMD_PAGER=")
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	return out.String(), errOut.String(), err
}

// buildDaemon builds discarr into dir, or falls back to the one `make build` left in
// the repository's bin/ when no Go toolchain is on the PATH.
func buildDaemon(t *testing.T, dir string) string {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		bin, _ := filepath.Abs(filepath.Join("..", "..", "bin", "discarr"))
		if _, statErr := os.Stat(bin); statErr != nil {
			skipOrFail(t, "no go command on the PATH and no bin/discarr to test the unit with")
		}
		return bin
	}
	bin := filepath.Join(dir, "discarr")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// copyUnit writes the unit into dir with every from path replaced by to, the way
// `make install` rewrites it for its PREFIX. The copy has a name of its own, so
// that drop-ins of an installed discarr.service on this machine are not merged in.
func copyUnit(t *testing.T, src, dir, from, to string) string {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(dir, unitTestsName)
	if err := os.WriteFile(dst, bytes.ReplaceAll(data, []byte(from), []byte(to)), 0o644); err != nil {
		t.Fatal(err)
	}
	return dst
}

// skipOrFail skips saying why, or fails when CI=true, where every test must run.
func skipOrFail(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatal(why)
	}
	t.Skip(why)
}

// unitLines are a unit file's assignments, by section and key, in file order.
type unitLines map[string]map[string][]string

func (u unitLines) values(section, key string) []string { return u[section][key] }

func (u unitLines) has(section, key, value string) bool {
	for _, v := range u[section][key] {
		if v == value {
			return true
		}
	}
	return false
}

// readUnit parses the unit's sections and assignments; comments and blank lines
// are skipped. Continuation lines are not used in discarr's unit and not supported.
func readUnit(t *testing.T, path string) unitLines {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }() // opened read-only
	u, section := unitLines{}, ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";"):
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			section = strings.Trim(line, "[]")
		default:
			key, value, ok := strings.Cut(line, "=")
			if !ok || strings.HasSuffix(line, `\`) {
				t.Fatalf("%s: unexpected line %q", path, line)
			}
			if u[section] == nil {
				u[section] = map[string][]string{}
			}
			u[section][key] = append(u[section][key], value)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return u
}
