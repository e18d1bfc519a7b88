package config

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"strings"
)

// maxSecretFile bounds a secret file; a larger one is the wrong file.
const maxSecretFile = 64 << 10

// secret resolves a value and its *_file sibling at key (the value's path) into a
// Secret. Both set is a problem; a relative file is looked up in the credentials
// directory if there is one, else next to the config file.
func (b *builder) secret(key, value, file string) Secret {
	fileKey := key + "_file"
	file = strings.TrimSpace(file)
	name := key[strings.LastIndex(key, ".")+1:]
	switch {
	case value != "" && file != "":
		b.p.addf(key, "set either %s or %s_file, not both", name, name)
		return ""
	case file == "":
		return Secret(value)
	}

	dir := b.credDir
	if dir == "" {
		dir = b.fileDir
	}
	path := absUnder(dir, file)
	content, err := readSecretFile(path)
	if err != nil {
		b.p.add(fileKey, err.Error())
		return ""
	}
	return Secret(content)
}

// readSecretFile reads a secret, trimming trailing whitespace and newlines. Its errors
// name the path but never the content.
func readSecretFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", errors.New("read " + path + ": " + pathErrReason(err))
	}
	defer func() { _ = f.Close() }() // opened read-only: what was read stands
	content, err := io.ReadAll(io.LimitReader(f, maxSecretFile+1))
	switch {
	case err != nil:
		return "", errors.New("read " + path + ": " + pathErrReason(err))
	case len(content) > maxSecretFile:
		return "", errors.New(path + " is larger than 64 KiB: it should hold only the secret")
	}
	secret := strings.TrimRight(string(content), " \t\r\n")
	if secret == "" {
		return "", errors.New(path + " is empty")
	}
	return secret, nil
}

// pathErrReason returns the reason of a file error without repeating the path.
func pathErrReason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
