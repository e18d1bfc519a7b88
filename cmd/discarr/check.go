package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"text/tabwriter"
	"time"

	"github.com/discarr/discarr/actors/discord"
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

	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	failed := 0
	for _, r := range rows {
		mark := "ok"
		if !r.ok {
			mark, failed = "FAIL", failed+1
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", mark, r.what, r.result, r.advice)
	}
	tw.Flush()
	if failed > 0 {
		fmt.Fprintf(stdout, "%d of %d checks failed\n", failed, len(rows))
		return exitCheckFailed
	}
	fmt.Fprintf(stdout, "all %d checks passed\n", len(rows))
	return exitOK
}

func describeSource(cfg *config.Config) string {
	src := cfg.Source
	if src == "" {
		src = "environment only"
	}
	return fmt.Sprintf("%s: valid, %d services", src, len(cfg.Services))
}

func checkServices(ctx context.Context, cfg *config.Config) []checkRow {
	var rows []checkRow
	quiet := slog.New(slog.DiscardHandler)
	for _, name := range cfg.ServiceNames() {
		sc := cfg.Services[name]
		row := checkRow{what: "service " + name + " (" + sc.Kind + ")"}
		httpc, err := service.NewHTTPClient(service.TLSOptions{CAFile: sc.CAFile, InsecureSkipVerify: sc.InsecureSkipVerify})
		var client service.Client
		if err == nil {
			client, err = service.New(service.Options{Name: name, Kind: sc.Kind, URL: sc.URL,
				APIKey: sc.APIKey.Reveal(), Username: sc.Username, Password: sc.Password.Reveal(),
				Timeout: sc.Timeout, HTTP: httpc, Logger: quiet})
		}
		if err != nil {
			row.result = err.Error()
			rows = append(rows, row)
			continue
		}
		pctx, cancel := context.WithTimeout(ctx, sc.Timeout)
		p, err := client.Probe(pctx)
		cancel()
		if err != nil {
			row.result = service.Describe(err, sc.Timeout)
			row.advice = "check services." + name + ".url and its credentials"
		} else {
			row.ok = true
			row.result = fmt.Sprintf("reachable, version %s%s, %d ms", p.Version, apiNote(p.API), p.Latency.Milliseconds())
		}
		rows = append(rows, row)
	}
	return rows
}

func apiNote(api string) string {
	if api == "" {
		return ""
	}
	return ", API " + api
}

func checkDiscord(ctx context.Context, cfg *config.Config) []checkRow {
	rest := discord.NewREST(cfg.Discord.APIURL, cfg.Discord.Token.Reveal(), nil, version)
	me, err := rest.Me(ctx)
	if err != nil {
		return []checkRow{{what: "discord token", result: err.Error(),
			advice: "set discord.token to the bot token from the Developer Portal"}}
	}
	rows := []checkRow{{what: "discord token", result: "accepted: bot " + me.Username, ok: true}}
	if g, err := rest.Guild(ctx, cfg.Discord.GuildID); err != nil {
		rows = append(rows, checkRow{what: "discord guild", result: err.Error(),
			advice: "invite the bot to the server, and check discord.guild_id"})
	} else {
		rows = append(rows, checkRow{what: "discord guild", result: g.Name, ok: true})
	}
	if ch, err := rest.Channel(ctx, cfg.Discord.ChannelID); err != nil {
		rows = append(rows, checkRow{what: "discord channel", result: err.Error(),
			advice: "check discord.channel_id and that the bot can see the channel"})
	} else {
		rows = append(rows, checkRow{what: "discord channel", result: "#" + ch.Name, ok: true})
	}
	return rows
}
