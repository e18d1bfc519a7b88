package state_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/discarr/discarr/actors/state"
)

// logBuffer is a slog destination safe for concurrent use.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func newLog() (*slog.Logger, *logBuffer) {
	b := &logBuffer{}
	return slog.New(slog.NewTextHandler(b, nil)), b
}

// TestBoardsSurviveReopen proves a stored board ID is read back by the next Open, and
// that the file on disk is complete JSON with no temporary file left beside it.
func TestBoardsSurviveReopen(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	log, _ := newLog()
	f, err := state.Open(dir, log)
	if err != nil {
		t.Fatal(err)
	}
	for _, kv := range [][2]string{{"downloads", "111"}, {"health", "222"}, {"health", "333"}} {
		if err := f.SetBoard(kv[0], kv[1]); err != nil {
			t.Fatalf("SetBoard(%s, %s): %v", kv[0], kv[1], err)
		}
	}
	if err := f.SetBoard("gone", "9"); err != nil {
		t.Fatal(err)
	}
	if err := f.SetBoard("gone", ""); err != nil {
		t.Fatal(err)
	}

	again, err := state.Open(dir, log)
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{"downloads": "111", "health": "333", "gone": ""} {
		if got := again.Board(key); got != want {
			t.Errorf("Board(%q) after reopen = %q, want %q", key, got, want)
		}
	}

	raw, err := os.ReadFile(filepath.Join(dir, "state.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !json.Valid(raw) {
		t.Errorf("state.json is not valid JSON:\n%s", raw)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != "state.json" {
			t.Errorf("state dir holds %s besides state.json: a temporary file was left", e.Name())
		}
	}
}

// TestReadersNeverSeeAHalfWrittenFile proves writes are atomic: while boards are
// stored again and again, every read of state.json finds complete JSON.
func TestReadersNeverSeeAHalfWrittenFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	log, _ := newLog()
	f, err := state.Open(dir, log)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.SetBoard("downloads", "0"); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		for i := 1; i <= 200; i++ {
			if err := f.SetBoard("downloads", strings.Repeat(strconv.Itoa(i), 50)); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	path := filepath.Join(dir, "state.json")
	for reads := 0; ; reads++ {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%d reads while writing", reads)
			return
		default:
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("read %d: %v (the file must always exist once written)", reads, err)
		}
		if !json.Valid(raw) {
			t.Fatalf("read %d found a partial file:\n%s", reads, raw)
		}
	}
}

// TestDamagedStateIsKeptAsideAndReplaced proves a corrupt or truncated state.json is
// logged, moved to state.json.corrupt byte for byte, and replaced by the next write:
// discarr starts with no boards instead of crashing.
func TestDamagedStateIsKeptAsideAndReplaced(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, content string
	}{
		{"corrupt", "this is not json at all\x00\xff"},
		{"truncated", `{"version": 1, "boards": {"downloads": "11`},
		{"empty", ""},
		{"wrong shape", `["downloads", "111"]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			path := filepath.Join(dir, "state.json")
			if err := os.WriteFile(path, []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}
			log, logs := newLog()
			f, err := state.Open(dir, log)
			if err != nil {
				t.Fatalf("Open on a damaged file: %v", err)
			}
			if got := f.Board("downloads"); got != "" {
				t.Errorf("Board(downloads) = %q from a damaged file, want none", got)
			}
			if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "corrupt") {
				t.Errorf("damage not reported in the log:\n%s", logs.String())
			}
			aside, err := os.ReadFile(path + ".corrupt")
			if err != nil || string(aside) != tc.content {
				t.Errorf("state.json.corrupt = %q (%v), want the damaged file %q", aside, err, tc.content)
			}

			if err := f.SetBoard("downloads", "444"); err != nil {
				t.Fatal(err)
			}
			again, err := state.Open(dir, log)
			if err != nil || again.Board("downloads") != "444" {
				t.Errorf("after replacing: Board(downloads) = %q (%v), want 444", again.Board("downloads"), err)
			}
		})
	}
}

// TestSecondLockNamesTheHolder proves a second Lock on a held state directory
// returns a *LockedError naming the holder's PID, and that the lock can be taken
// again once released.
func TestSecondLockNamesTheHolder(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	unlock, err := state.Lock(dir)
	if err != nil {
		t.Fatal(err)
	}

	_, err = state.Lock(dir)
	var locked *state.LockedError
	if !errors.As(err, &locked) {
		unlock()
		t.Fatalf("second Lock: %v, want a *state.LockedError", err)
	}
	if locked.PID != os.Getpid() {
		t.Errorf("LockedError.PID = %d, want the holder's %d", locked.PID, os.Getpid())
	}
	if pid := strconv.Itoa(os.Getpid()); !strings.Contains(err.Error(), "pid "+pid) ||
		!strings.Contains(err.Error(), dir) {
		t.Errorf("error %q does not name pid %s and %s", err, pid, dir)
	}

	unlock()
	unlock2, err := state.Lock(dir)
	if err != nil {
		t.Fatalf("Lock after release: %v", err)
	}
	unlock2()
}

// TestLockCreatesTheStateDir proves Lock works on a directory that does not exist yet.
func TestLockCreatesTheStateDir(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "var", "lib", "discarr")
	unlock, err := state.Lock(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	raw, err := os.ReadFile(filepath.Join(dir, "discarr.lock"))
	if err != nil || strings.TrimSpace(string(raw)) != strconv.Itoa(os.Getpid()) {
		t.Errorf("lock file holds %q (%v), want our pid", raw, err)
	}
}
