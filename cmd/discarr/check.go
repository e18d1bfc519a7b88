package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/discarr/discarr/actors/service"
	"github.com/discarr/discarr/config"
)

// checkRow is one line of discarr check's table.
type checkRow struct {
	what, result, advice string
	ok                   bool
}

// check validates the configuration, then (unless --offline) probes every service
// and Discord, printing one row per check.
func check(f flags, stdout, stderr io.Writer) int {
	cfg, _, code := loadConfig(f, stderr)
	if cfg == nil {
		return code
	}
	rows := []checkRow{{what: "config", result: describeSource(cfg), ok: true}}
	if !f.offline {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		rows = append(rows, checkServices(ctx, cfg)...)
		rows = append(rows, checkDiscord(ctx, cfg)...)
	}

	failed := printRows(stdout, rows)
	if failed > 0 {
		fmt.Fprintf(stdout, "%d of %d checks failed\n", failed, len(rows))
		return exitCheckFailed
	}
	if len(rows) == 1 {
		fmt.Fprintln(stdout, "the check passed")
		return exitOK
	}
	fmt.Fprintf(stdout, "all %d checks passed\n", len(rows))
	return exitOK
}

// printRows prints the table, each failing row followed by what to do about it,
// and returns how many rows failed.
func printRows(w io.Writer, rows []checkRow) int {
	width := 0
	for _, r := range rows {
		width = max(width, len(r.what))
	}
	failed := 0
	for _, r := range rows {
		mark := "ok"
		if !r.ok {
			mark, failed = "FAIL", failed+1
		}
		fmt.Fprintf(w, "%-4s  %-*s  %s\n", mark, width, r.what, r.result)
		if r.advice != "" {
			fmt.Fprintf(w, "%-4s  %-*s  -> %s\n", "", width, "", r.advice)
		}
	}
	return failed
}

func describeSource(cfg *config.Config) string {
	src := cfg.Source
	if src == "" {
		src = "environment only"
	}
	return fmt.Sprintf("%s: valid, %d services", src, len(cfg.Services))
}

// checkServices probes every service at once, each within its own timeout, and
// returns their rows in name order.
func checkServices(ctx context.Context, cfg *config.Config) []checkRow {
	names := cfg.ServiceNames()
	rows := make([]checkRow, len(names))
	var wg sync.WaitGroup
	for i, name := range names {
		wg.Go(func() { rows[i] = checkService(ctx, name, cfg.Services[name]) })
	}
	wg.Wait()
	return rows
}

// checkService builds one service's client as the daemon would and probes it.
func checkService(ctx context.Context, name string, sc config.Service) checkRow {
	row := checkRow{what: "service " + name + " (" + sc.Kind + ")"}
	httpc, err := service.NewHTTPClient(service.TLSOptions{CAFile: sc.CAFile, InsecureSkipVerify: sc.InsecureSkipVerify})
	var client service.Client
	if err == nil {
		client, err = service.New(service.Options{Name: name, Kind: sc.Kind, URL: sc.URL,
			APIKey: sc.APIKey.Reveal(), Username: sc.Username, Password: sc.Password.Reveal(),
			Timeout: sc.Timeout, HTTP: httpc, Logger: slog.New(slog.DiscardHandler)})
	}
	if err != nil {
		row.result = err.Error()
		row.advice = "fix services." + name + " (ca_file, kind)"
		return row
	}
	pctx, cancel := context.WithTimeout(ctx, sc.Timeout)
	p, err := client.Probe(pctx)
	cancel()
	if err != nil {
		row.result = service.Describe(err, sc.Timeout)
		row.advice = serviceAdvice(name, sc, err)
		return row
	}
	row.ok = true
	row.result = fmt.Sprintf("reachable, version %s%s, %d ms", p.Version, apiNote(p.API), p.Latency.Milliseconds())
	return row
}

// serviceAdvice says what to change when a service's probe failed, by the kind of
// failure: the credentials for a refusal, the address when nothing answers.
func serviceAdvice(name string, sc config.Service, err error) string {
	key := "services." + name
	kind := service.Other
	var se *service.Error
	if errors.As(err, &se) {
		kind = se.Kind
	}
	creds := key + ".api_key"
	if !sc.APIKey.IsSet() {
		creds = key + ".username and " + key + ".password (its WebUI login)"
	}
	switch kind {
	case service.Auth:
		return "it refused the credentials: check " + creds
	case service.Banned:
		return "it banned discarr after failed logins: fix " + creds +
			", then restart " + sc.Kind + " or wait for the ban to end"
	case service.Refused, service.DNS, service.Network:
		return "is " + sc.Kind + " running at " + sc.URL.String() + "? check " + key + ".url"
	case service.Timeout:
		return "no answer in time: check " + key + ".url, or raise " + key + ".timeout"
	case service.TLS:
		return "set " + key + ".ca_file to the CA that signed its certificate, " +
			"or " + key + ".insecure_skip_verify: true"
	case service.NotFound, service.Decode:
		return "check " + key + ".url, including its base path (urlBase)"
	}
	return "check " + key + ".url and " + creds
}

func apiNote(api string) string {
	if api == "" {
		return ""
	}
	return ", API " + api
}
