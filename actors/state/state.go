// Package state owns discarr's state directory: the IDs of the board messages (so a
// restart edits the same messages instead of posting new ones) written atomically,
// and the lock that keeps a second discarr off the same state and bot token.
package state

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
)

const fileName = "state.json"

// File is the persisted state. It is safe for concurrent use.
type File struct {
	path string
	log  *slog.Logger

	mu   sync.Mutex
	data data
}

type data struct {
	Version int               `json:"version"`
	Boards  map[string]string `json:"boards"`
}

// Open reads the state in dir, creating dir if needed. A corrupt or truncated file
// is reported, kept aside as state.json.corrupt and replaced: the boards are then
// found again in the channel or posted anew, never a crash.
func Open(dir string, log *slog.Logger) (*File, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("create state dir: %w", err)
	}
	f := &File{path: filepath.Join(dir, fileName), log: log, data: data{Version: 1, Boards: map[string]string{}}}
	raw, err := os.ReadFile(f.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return f, nil
	case err != nil:
		return nil, fmt.Errorf("read state: %w", err)
	}
	var d data
	if err := json.Unmarshal(raw, &d); err != nil {
		aside := f.path + ".corrupt"
		_ = os.Rename(f.path, aside)
		log.Warn("state file is corrupt; starting afresh (boards are looked up in the channel)",
			"path", f.path, "kept_as", aside, "err", err.Error())
		return f, nil
	}
	if d.Boards == nil {
		d.Boards = map[string]string{}
	}
	f.data = d
	return f, nil
}

// Board returns the message ID stored for a board, or "".
func (f *File) Board(key string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.data.Boards[key]
}

// SetBoard stores a board's message ID ("" forgets it) and writes the file.
func (f *File) SetBoard(key, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.data.Boards[key] == id {
		return nil
	}
	if id == "" {
		delete(f.data.Boards, key)
	} else {
		f.data.Boards[key] = id
	}
	return f.write()
}

// write replaces the file atomically: a temporary file, fsync, rename, fsync of
// the directory.
func (f *File) write() error {
	raw, err := json.MarshalIndent(f.data, "", "  ")
	if err != nil {
		return fmt.Errorf("encode state: %w", err)
	}
	dir := filepath.Dir(f.path)
	tmp, err := os.CreateTemp(dir, fileName+".*")
	if err != nil {
		return fmt.Errorf("write state: %w", err)
	}
	// On failure this drops the temporary file; after the rename it is already gone.
	defer func() { _ = os.Remove(tmp.Name()) }()
	if _, err := tmp.Write(append(raw, '\n')); err != nil {
		return errors.Join(fmt.Errorf("write state: %w", err), tmp.Close())
	}
	if err := tmp.Sync(); err != nil {
		return errors.Join(fmt.Errorf("sync state: %w", err), tmp.Close())
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("close state: %w", err)
	}
	if err := os.Rename(tmp.Name(), f.path); err != nil {
		return fmt.Errorf("replace state: %w", err)
	}
	// The rename is durable only once the directory itself is synced.
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync state dir: %w", err)
	}
	if err := errors.Join(d.Sync(), d.Close()); err != nil {
		return fmt.Errorf("sync state dir: %w", err)
	}
	return nil
}
