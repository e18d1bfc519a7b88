package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/lmittmann/tint"
	"golang.org/x/sys/unix"
)

// parseLevel reads a --log-level value.
func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return 0, fmt.Errorf("--log-level %q: want debug, info, warn or error", s)
	}
	return l, nil
}

// newLogger builds the process logger: tint on a terminal, plain text with priority
// prefixes when stderr is the journal, JSON otherwise (or as format says).
func newLogger(w *os.File, format string, level slog.Leveler) *slog.Logger {
	if format == "" || format == "auto" {
		format = detectFormat(w)
	}
	switch format {
	case "text":
		return slog.New(tint.NewTextHandler(w, &tint.Options{Level: level, TimeFormat: time.TimeOnly,
			NoColor: !isTerminal(w)}))
	case "journal":
		return slog.New(slog.NewTextHandler(journalWriter{w}, &slog.HandlerOptions{
			Level: level, ReplaceAttr: dropTime}))
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level}))
}

func detectFormat(w *os.File) string {
	if underJournal(w) {
		return "journal"
	}
	if isTerminal(w) {
		return "text"
	}
	return "json"
}

func isTerminal(w *os.File) bool {
	_, err := unix.IoctlGetTermios(int(w.Fd()), unix.TCGETS)
	return err == nil
}

// underJournal reports whether w is the journal's stream, as systemd says in
// JOURNAL_STREAM (device:inode).
func underJournal(w *os.File) bool {
	want := os.Getenv("JOURNAL_STREAM")
	if want == "" {
		return false
	}
	var st syscall.Stat_t
	if err := syscall.Fstat(int(w.Fd()), &st); err != nil {
		return false
	}
	return want == strconv.FormatUint(st.Dev, 10)+":"+strconv.FormatUint(st.Ino, 10)
}

func dropTime(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 && a.Key == slog.TimeKey {
		return slog.Attr{}
	}
	return a
}

// journalWriter turns the text handler's "level=X msg=..." lines into
// "<N>msg=..." lines: the journal reads the <N> prefix as the entry's priority and
// stamps the time itself. slog writes each record with one Write call.
type journalWriter struct{ w io.Writer }

func (j journalWriter) Write(p []byte) (int, error) {
	line := string(p)
	prio := "<6>"
	if rest, ok := strings.CutPrefix(line, "level="); ok {
		word, tail, _ := strings.Cut(rest, " ")
		prio, line = priority(word), tail
	}
	if _, err := io.WriteString(j.w, prio+line); err != nil {
		return 0, err
	}
	return len(p), nil
}

func priority(level string) string {
	switch {
	case strings.HasPrefix(level, "ERROR"):
		return "<3>"
	case strings.HasPrefix(level, "WARN"):
		return "<4>"
	case strings.HasPrefix(level, "DEBUG"):
		return "<7>"
	}
	return "<6>"
}
