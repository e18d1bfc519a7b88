package config

import (
	"fmt"
	"slices"
	"strings"
)

// Problem is one thing wrong with the configuration.
type Problem struct {
	// Key is the path of the offending key, e.g. "services.sonarr.url".
	Key string
	// Message says what is wrong and how to fix it; it never contains a secret.
	Message string
}

// Error is every problem found while validating a configuration, sorted by key.
type Error struct {
	// Problems lists what is wrong, at least one entry.
	Problems []Problem
}

// Error renders a header line and one indented line per problem.
func (e *Error) Error() string {
	var b strings.Builder
	noun := "problems"
	if len(e.Problems) == 1 {
		noun = "problem"
	}
	fmt.Fprintf(&b, "invalid configuration (%d %s):", len(e.Problems), noun)
	for _, p := range e.Problems {
		fmt.Fprintf(&b, "\n  %s: %s", p.Key, p.Message)
	}
	return b.String()
}

// problems collects what validation finds. It keeps the first problem of each key, so
// a value that failed to decode is not reported again as out of range.
type problems struct {
	list    []Problem
	seen    map[string]bool
	origins map[string]string // key path -> environment variable that set it
	// defaulted holds the key paths of service keys filled from serviceDefaults.
	defaulted map[string]bool
}

func newProblems() *problems {
	return &problems{seen: map[string]bool{}, origins: map[string]string{},
		defaulted: map[string]bool{}}
}

// add records a problem at key, naming the environment variable when one set the key.
func (p *problems) add(key, msg string) {
	if p.seen[key] {
		return
	}
	p.seen[key] = true
	if env, ok := p.origins[key]; ok {
		msg += " (set by " + env + ")"
	}
	p.list = append(p.list, Problem{Key: key, Message: msg})
}

// addf records a formatted problem at key.
func (p *problems) addf(key, format string, args ...any) {
	p.add(key, fmt.Sprintf(format, args...))
}

// has reports whether key already has a problem.
func (p *problems) has(key string) bool { return p.seen[key] }

// err returns the collected problems as an *Error, or nil when there are none.
func (p *problems) err() error {
	if len(p.list) == 0 {
		return nil
	}
	list := slices.Clone(p.list)
	slices.SortStableFunc(list, func(a, b Problem) int {
		if c := strings.Compare(a.Key, b.Key); c != 0 {
			return c
		}
		return strings.Compare(a.Message, b.Message)
	})
	return &Error{Problems: list}
}

// join builds a key path from its parts.
func join(parts ...string) string {
	var nonEmpty []string
	for _, s := range parts {
		if s != "" {
			nonEmpty = append(nonEmpty, s)
		}
	}
	return strings.Join(nonEmpty, ".")
}
