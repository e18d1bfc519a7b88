package main

import (
	"bufio"
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/discarr/discarr/actors/supervision"
	"github.com/discarr/discarr/actors/supervisor"
	"github.com/discarr/discarr/config"
)

// logFile is a file standing in for stderr, since the logger wants an *os.File.
func logFile(t *testing.T) *os.File {
	t.Helper()
	f, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = f.Close() }) // read back by name, never through f
	return f
}

// lines reads back what was logged to f.
func lines(t *testing.T, f *os.File) []string {
	t.Helper()
	raw, err := os.ReadFile(f.Name())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	return out
}

// clock matches anything that looks like a time of day or a date.
var clock = regexp.MustCompile(`\d{1,2}:\d{2}:\d{2}|\d{4}-\d{2}-\d{2}`)

// TestJournalLinesCarryPriorityAndNoTime proves the journal format starts each line
// with the syslog priority of its level, drops the level= and time= fields (the
// journal stamps entries itself) and keeps one entry per record.
func TestJournalLinesCarryPriorityAndNoTime(t *testing.T) {
	t.Parallel()
	f := logFile(t)
	var level slog.LevelVar
	level.Set(slog.LevelDebug - 4)
	log := newLogger(f, "journal", &level)

	cases := []struct {
		level  slog.Level
		msg    string
		prefix string
	}{
		{slog.LevelDebug - 4, "very chatty", "<7>"},
		{slog.LevelDebug, "poll done", "<7>"},
		{slog.LevelInfo, "discarr starting", "<6>"},
		{slog.LevelInfo + 2, "between info and warn", "<6>"},
		{slog.LevelWarn, "service slow", "<4>"},
		{slog.LevelWarn + 2, "between warn and error", "<4>"},
		{slog.LevelError, "not starting", "<3>"},
		{slog.LevelError + 4, "worse than error", "<3>"},
		{slog.LevelInfo, "two\nlines", "<6>"},
	}
	for _, c := range cases {
		log.Log(t.Context(), c.level, c.msg, "service", "sonarr")
	}

	got := lines(t, f)
	if len(got) != len(cases) {
		t.Fatalf("%d lines for %d records:\n%s", len(got), len(cases), strings.Join(got, "\n"))
	}
	for i, c := range cases {
		line := got[i]
		msg := "msg=" + strconv.Quote(c.msg)
		if !strings.ContainsAny(c.msg, " \n") {
			msg = "msg=" + c.msg
		}
		if want := c.prefix + msg + " service=sonarr"; line != want {
			t.Errorf("%v record:\n got %q\nwant %q", c.level, line, want)
		}
		if strings.Contains(line, "time=") || strings.Contains(line, "level=") || clock.MatchString(line) {
			t.Errorf("journal line carries a time or a level field: %q", line)
		}
	}
}

// TestJournalHonoursTheLevel proves records below the level are not written.
func TestJournalHonoursTheLevel(t *testing.T) {
	t.Parallel()
	f := logFile(t)
	var level slog.LevelVar
	level.Set(slog.LevelWarn)
	log := newLogger(f, "journal", &level)
	log.Info("hidden")
	log.Warn("shown")
	level.Set(slog.LevelDebug)
	log.Debug("now shown")
	got := strings.Join(lines(t, f), "\n")
	if got != "<4>msg=shown\n<7>msg=\"now shown\"" {
		t.Errorf("logged:\n%s", got)
	}
}

// TestExplicitFormats proves "json" writes JSON with a time and "text" writes a
// plain timestamped line (no colour: the destination is not a terminal).
func TestExplicitFormats(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		format string
		want   *regexp.Regexp
	}{
		{"json", regexp.MustCompile(`^\{"time":"[^"]+","level":"INFO","msg":"hello","k":1\}$`)},
		{"text", regexp.MustCompile(`^\d{2}:\d{2}:\d{2} INF hello k=1$`)},
	} {
		t.Run(tc.format, func(t *testing.T) {
			t.Parallel()
			f := logFile(t)
			newLogger(f, tc.format, slog.LevelInfo).Info("hello", "k", 1)
			got := lines(t, f)
			if len(got) != 1 || !tc.want.MatchString(got[0]) {
				t.Errorf("%s format wrote %q, want a match for %s", tc.format, got, tc.want)
			}
		})
	}
}

// devIno is the JOURNAL_STREAM value systemd would set for f.
func devIno(t *testing.T, f *os.File) string {
	t.Helper()
	var st syscall.Stat_t
	if err := syscall.Fstat(int(f.Fd()), &st); err != nil {
		t.Fatal(err)
	}
	return strconv.FormatUint(st.Dev, 10) + ":" + strconv.FormatUint(st.Ino, 10)
}

// TestAutoFormatFollowsJournalStream proves "auto" picks the journal format only
// when JOURNAL_STREAM names stderr itself: a child whose stderr was redirected
// elsewhere inherits the variable but must not write priority prefixes.
// Not parallel: it sets JOURNAL_STREAM for the process.
func TestAutoFormatFollowsJournalStream(t *testing.T) {
	f := logFile(t)
	other := logFile(t)
	for _, tc := range []struct {
		name, env, want string
	}{
		{"unset", "", "json"},
		{"names stderr", devIno(t, f), "journal"},
		{"names another file", devIno(t, other), "json"},
		{"garbage", "not-a-stream", "json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("JOURNAL_STREAM", tc.env)
			if got := detectFormat(f); got != tc.want {
				t.Errorf("detectFormat with JOURNAL_STREAM=%q: %q, want %q", tc.env, got, tc.want)
			}
		})
	}

	t.Setenv("JOURNAL_STREAM", devIno(t, f))
	newLogger(f, "auto", slog.LevelInfo).Warn("under systemd")
	if got := lines(t, f); len(got) != 1 || got[0] != `<4>msg="under systemd"` {
		t.Errorf("auto format under the journal wrote %q", got)
	}
}

// reloadStub stands in for the supervisor: it answers every Reload at once.
type reloadStub struct {
	mu    sync.Mutex
	count int
}

func (s *reloadStub) Receive(c actor.Context) {
	if _, ok := c.Message().(supervisor.Reload); ok {
		s.mu.Lock()
		s.count++
		s.mu.Unlock()
		c.Respond(supervisor.Reloaded{})
	}
}

func (s *reloadStub) reloads() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.count
}

// reloadConfig is a valid configuration at the given log level, or a broken one.
func reloadConfig(dir, level string, broken bool) string {
	yaml := `
discord:
  token: "ZGlzY2Fycg.reload.test-token"
  guild_id: "1100000000000000100"
  channel_id: "1100000000000000200"
services:
  sonarr: { kind: sonarr, url: "http://127.0.0.1:9", api_key: "k" }
state_dir: ` + strconv.Quote(filepath.Join(dir, "state")) + `
log: { level: ` + level + ` }
`
	if broken {
		yaml += "nonsense_key: 1\n"
	}
	return yaml
}

// TestReloadAppliesTheLogLevel proves SIGHUP's reload sets the new log.level, unless
// --log-level was given (it wins over the file for the process's life), and that a
// refused configuration changes neither the level nor the running tree.
func TestReloadAppliesTheLogLevel(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, flag, fileLevel string
		broken                bool
		want                  slog.Level
		reloads               int
	}{
		{"file level applies", "", "debug", false, slog.LevelDebug, 1},
		{"file level raises too", "", "error", false, slog.LevelError, 1},
		{"flag wins", "warn", "debug", false, slog.LevelWarn, 1},
		{"refused config keeps level", "", "debug", true, slog.LevelInfo, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			path := filepath.Join(dir, "discarr.yaml")
			if err := os.WriteFile(path, []byte(reloadConfig(dir, tc.fileLevel, tc.broken)), 0o600); err != nil {
				t.Fatal(err)
			}
			var logs bytes.Buffer
			var mu sync.Mutex
			log := slog.New(slog.NewTextHandler(lockedWriter{&mu, &logs}, nil))
			system := supervision.NewSystem(slog.New(slog.DiscardHandler))
			stub := &reloadStub{}
			root := system.Root.Spawn(actor.PropsFromProducer(func() actor.Actor { return stub }))
			t.Cleanup(func() { _ = system.Root.StopFuture(root).Wait() })

			level := new(slog.LevelVar) // the running level: info, or the flag's
			if tc.flag != "" {
				l, err := parseLevel(tc.flag)
				if err != nil {
					t.Fatal(err)
				}
				level.Set(l)
			}
			cur, err := config.Load(config.LoadOptions{Path: path, Environ: []string{}})
			if err != nil && !tc.broken {
				t.Fatal(err)
			}
			if tc.broken { // the running configuration, before the broken edit
				cur = &config.Config{}
			}
			reloader{f: flags{config: path, logLevel: tc.flag}, system: system, root: root,
				level: level, log: log}.reload(cur)

			if level.Level() != tc.want {
				t.Errorf("level after reload = %v, want %v", level.Level(), tc.want)
			}
			if stub.reloads() != tc.reloads {
				t.Errorf("supervisor got %d reloads, want %d", stub.reloads(), tc.reloads)
			}
			mu.Lock()
			defer mu.Unlock()
			if refused := strings.Contains(logs.String(), "reload refused"); refused != tc.broken {
				t.Errorf("reload refused logged: %v, want %v:\n%s", refused, tc.broken, logs.String())
			}
			if tc.broken && !strings.Contains(logs.String(), "nonsense_key") {
				t.Errorf("refusal does not name the bad key:\n%s", logs.String())
			}
		})
	}
}

// lockedWriter serialises writes to a buffer shared with the test.
type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// TestBannerShowsTheLevelInEffect: with --log-level the start banner says the level
// that applies, not the file's.
func TestBannerShowsTheLevelInEffect(t *testing.T) {
	t.Parallel()
	cfg := &config.Config{Log: config.Log{Level: slog.LevelInfo}}
	for _, tc := range []struct{ flag, want string }{{"", "info"}, {"debug", "debug (--log-level)"}} {
		level := new(slog.LevelVar)
		if tc.flag != "" {
			l, _ := parseLevel(tc.flag)
			level.Set(l)
		}
		for _, a := range banner(cfg, flags{logLevel: tc.flag}, level) {
			if a.Key == "log_level" && a.Value.String() != tc.want {
				t.Errorf("--log-level %q: banner says log_level=%s, want %s", tc.flag, a.Value, tc.want)
			}
		}
	}
}
