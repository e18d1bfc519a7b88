package discordtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/cache"
	"github.com/pb33f/libopenapi-validator/config"
	verrors "github.com/pb33f/libopenapi-validator/errors"
)

// ViolationSpec is a request that Discord's OpenAPI description does not allow: an
// unknown path or method, a malformed path or query parameter, or a body that does not
// match the operation's schema. The emulator still answers such a request by its own
// rules, so a test sees both what Discord documents and what it would likely do.
const ViolationSpec = "spec"

// ViolationSpecUndeclared is a body key or query parameter the spec does not declare
// for the operation. Discord ignores such keys, so these are recorded only with
// Options.SpecUndeclared (or DISCORDTEST_SPEC_UNDECLARED=1 in the environment of
// Start): they show sloppy requests, and discordgo sends some on its own (its message
// edits carry "ID" and "Channel"), rather than requests Discord refuses.
const ViolationSpecUndeclared = "spec_undeclared"

// Finding is one problem a RequestValidator saw, recorded as a Violation of Kind.
type Finding struct {
	Kind   string
	Detail string
}

// RequestValidator checks one REST request as the bot sent it (the method, path,
// query, headers and body) and lists what is wrong with it; an empty list passes.
type RequestValidator interface {
	ValidateRequest(r *http.Request, body []byte) []Finding
}

// SetRequestValidator installs v to check every REST request under /api; each problem
// it reports is recorded as a Violation. A nil v removes it. Start installs the
// SpecValidator on its own when the spec file is found.
//
// The check runs after the response is written, so a slow first check (the validator
// compiles each schema the first time it is used) never delays an answer past a
// deadline; Violations waits for the checks still running.
func (e *Emulator) SetRequestValidator(v RequestValidator) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.reqValidator = v
}

// maxSpecWait bounds how long Violations waits for request checks still running.
const maxSpecWait = time.Minute

// validateRequest starts the request validator, if any, on a copy of the request and
// records its findings. Undeclared keys are kept only with Options.SpecUndeclared.
func (e *Emulator) validateRequest(c *call) {
	e.mu.Lock()
	v := e.reqValidator
	if v != nil {
		e.specPending++
	}
	e.mu.Unlock()
	if v == nil {
		return
	}
	r := c.r.Clone(context.WithoutCancel(c.r.Context()))
	go func() {
		findings := v.ValidateRequest(r, c.body)
		e.reportFindings(r, findings)
		e.mu.Lock()
		defer e.mu.Unlock()
		for _, f := range findings {
			if f.Kind == ViolationSpecUndeclared && !e.opts.SpecUndeclared {
				continue
			}
			e.violateLocked(f.Kind, r.Method, r.URL.Path, f.Detail)
		}
		e.specPending--
		e.notifyLocked()
	}()
}

// SpecReportEnv names an environment variable: when it holds a file path, Start
// appends every spec finding of every request (undeclared keys included) to that file,
// one tab-separated line of kind, method, path and detail, so a whole test suite's
// traffic can be surveyed.
const SpecReportEnv = "DISCORDTEST_SPEC_REPORT"

func (e *Emulator) reportFindings(r *http.Request, findings []Finding) {
	if e.specReport == "" || len(findings) == 0 {
		return
	}
	var b strings.Builder
	for _, f := range findings {
		fmt.Fprintf(&b, "%s\t%s\t%s\t%s\n", f.Kind, r.Method, r.URL.Path, f.Detail)
	}
	fh, err := os.OpenFile(e.specReport, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		e.log.Warn("write spec report", "path", e.specReport, "err", err)
		return
	}
	_, err = fh.WriteString(b.String())
	if err = errors.Join(err, fh.Close()); err != nil {
		e.log.Warn("write spec report", "path", e.specReport, "err", err)
	}
}

// settleChecks waits until no request check is running.
func (e *Emulator) settleChecks() {
	e.waitFor(maxSpecWait, func() bool { return e.specPending == 0 })
}

// SpecFile is where Discord's OpenAPI description lives, relative to the repository.
const SpecFile = "../shared/specs/discord-openapi.json"

// FindSpec walks up from the working directory to the directory holding go.mod and
// returns the path of Discord's OpenAPI description beside it, reporting whether that
// file exists.
func FindSpec() (string, bool) {
	dir, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			p := filepath.Join(dir, filepath.FromSlash(SpecFile))
			_, err := os.Stat(p)
			return p, err == nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

// SpecValidator checks requests against Discord's OpenAPI 3.1 description (server
// /api/v10; requests to /api/v9 are checked as if sent to /api/v10, which has the same
// routes for everything a bot uses). It is safe for concurrent use.
type SpecValidator struct {
	mu sync.Mutex // the validator compiles schemas lazily; one request at a time
	v  validator.Validator
}

var specCache sync.Map // absolute path -> *specEntry

type specEntry struct {
	once sync.Once
	v    *SpecValidator
	err  error
}

// NewSpecValidator loads the OpenAPI description at specPath. Each file is loaded
// once per process and the validator shared, since parsing it takes a moment.
func NewSpecValidator(specPath string) (*SpecValidator, error) {
	abs, err := filepath.Abs(specPath)
	if err != nil {
		return nil, fmt.Errorf("load discord spec %s: %w", specPath, err)
	}
	got, _ := specCache.LoadOrStore(abs, &specEntry{})
	ent := got.(*specEntry)
	ent.once.Do(func() { ent.v, ent.err = loadSpec(abs) })
	return ent.v, ent.err
}

func loadSpec(path string) (*SpecValidator, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load discord spec: %w", err)
	}
	doc, err := libopenapi.NewDocument(raw)
	if err != nil {
		return nil, fmt.Errorf("parse discord spec %s: %w", path, err)
	}
	model, err := doc.BuildV3Model()
	if err != nil {
		return nil, fmt.Errorf("build discord spec model %s: %w", path, err)
	}
	// The validator compiles every schema of the document up front unless its cache
	// claims to hold them already; for this spec that takes many seconds (far more
	// under the race detector), while a test needs only a handful. The lazy cache
	// answers "present" while the validator is built, then fills in on first use.
	lc := &lazyCache{warming: atomic.Bool{}}
	lc.warming.Store(true)
	v := validator.NewValidatorFromV3Model(&model.Model, config.WithSchemaCache(lc), config.WithStrictMode())
	lc.warming.Store(false)
	return &SpecValidator{v: v}, nil
}

// ValidateRequest implements RequestValidator. Undeclared headers and cookies are not
// reported: HTTP clients add headers of their own and Discord ignores them.
func (s *SpecValidator) ValidateRequest(r *http.Request, body []byte) []Finding {
	req := r.Clone(r.Context())
	u := *r.URL
	if rest, ok := strings.CutPrefix(u.Path, "/api/v9/"); ok {
		u.Path = "/api/v10/" + rest
		u.RawPath = ""
	}
	req.URL = &u
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.ContentLength = int64(len(body))

	s.mu.Lock()
	ok, errs := s.v.ValidateHttpRequestSync(req)
	s.mu.Unlock()
	if ok {
		return nil
	}
	out := make([]Finding, 0, len(errs))
	for _, ve := range errs {
		if ve == nil || specException(r, ve) {
			continue
		}
		kind := ViolationSpec
		if ve.ValidationType == verrors.StrictValidationType {
			switch ve.ValidationSubType {
			case verrors.StrictSubTypeHeader, verrors.StrictSubTypeCookie:
				continue
			case verrors.StrictSubTypeProperty, verrors.StrictSubTypeQuery:
				kind = ViolationSpecUndeclared
			}
		}
		out = append(out, Finding{Kind: kind, Detail: describe(ve)})
	}
	return out
}

// maxDetail bounds a finding's text: a body that misses a oneOf of many component
// types collects a failure per branch.
const maxDetail = 1000

// describe renders one finding: the validator's message, then each schema failure
// with the JSON path of the offending field.
func describe(ve *verrors.ValidationError) string {
	var b strings.Builder
	b.WriteString(ve.Message)
	for i, f := range ve.SchemaValidationErrors {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(f.Reason)
		if f.FieldPath != "" {
			b.WriteString(" at " + f.FieldPath)
		}
	}
	strict := ve.ValidationType == verrors.StrictValidationType // its reason lists keys in random order
	if len(ve.SchemaValidationErrors) == 0 && !strict && ve.Reason != "" && ve.Reason != ve.Message {
		b.WriteString(": " + ve.Reason)
	}
	if out := []rune(b.String()); len(out) > maxDetail {
		return string(out[:maxDetail]) + "…"
	}
	return b.String()
}

// lazyCache is a schema cache that skips the validator's warm-up: while warming is set
// it claims every schema is present, so nothing is compiled; afterwards it behaves as
// a plain concurrent map and each schema is compiled the first time a request needs
// it. The validator checks a loaded entry for a compiled schema before using it.
type lazyCache struct {
	warming atomic.Bool
	m       sync.Map
}

func (c *lazyCache) Load(key uint64) (*cache.SchemaCacheEntry, bool) {
	if c.warming.Load() {
		return nil, true
	}
	v, ok := c.m.Load(key)
	if !ok {
		return nil, false
	}
	return v.(*cache.SchemaCacheEntry), true
}

func (c *lazyCache) Store(key uint64, value *cache.SchemaCacheEntry) {
	if !c.warming.Load() && value != nil {
		c.m.Store(key, value)
	}
}

func (c *lazyCache) Range(f func(key uint64, value *cache.SchemaCacheEntry) bool) {
	c.m.Range(func(k, v any) bool { return f(k.(uint64), v.(*cache.SchemaCacheEntry)) })
}

// specException reports whether a finding is a known mistake of the spec rather than
// of the request. There are none so far; each one added says why the spec is wrong.
func specException(*http.Request, *verrors.ValidationError) bool { return false }
