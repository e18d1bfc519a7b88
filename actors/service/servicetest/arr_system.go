package servicetest

import "strings"

// HealthItem returns one /api/v3/health entry. typ is ok, notice, warning or error;
// wikiURL is sent as a plain string, as the real servers do (Sonarr's OpenAPI document
// describes an object there).
func HealthItem(source, typ, message, wikiURL string) map[string]any {
	return map[string]any{"source": source, "type": typ, "message": message, "wikiUrl": wikiURL}
}

// healthItems returns the configured health entries, [] when healthy.
func (a *Arr) healthItems() []map[string]any {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.health == nil {
		return []map[string]any{}
	}
	return cloneRecords(a.health)
}

// systemStatus returns the /api/v3/system/status resource.
func (a *Arr) systemStatus() map[string]any {
	lower := strings.ToLower(a.app)
	st := map[string]any{
		"appName":                a.app,
		"instanceName":           a.opts.InstanceName,
		"version":                a.opts.Version,
		"buildTime":              "2025-01-15T10:00:00Z",
		"isDebug":                false,
		"isProduction":           true,
		"isAdmin":                false,
		"isUserInteractive":      false,
		"startupPath":            "/app/" + lower + "/bin",
		"appData":                "/config",
		"osName":                 "debian",
		"osVersion":              "12",
		"isNetCore":              true,
		"isLinux":                true,
		"isOsx":                  false,
		"isWindows":              false,
		"isDocker":               false,
		"mode":                   "console",
		"branch":                 "main",
		"authentication":         "forms",
		"migrationVersion":       210,
		"urlBase":                a.base,
		"runtimeVersion":         "8.0.12",
		"runtimeName":            ".NET",
		"startTime":              isoTime(a.started),
		"packageUpdateMechanism": "builtIn",
		"databaseType":           "sqLite",
		"databaseVersion":        "3.46.1",
	}
	if a.app == "Radarr" {
		st["branch"] = "master"
		st["migrationVersion"] = 241
	}

	a.mu.Lock()
	defer a.mu.Unlock()
	for k, v := range a.statusKV {
		if v == nil {
			delete(st, k)
			continue
		}
		st[k] = v
	}
	return st
}
