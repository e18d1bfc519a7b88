package config

import (
	"crypto/x509"
	"os"
	"regexp"
	"slices"
	"strings"
)

var instanceNameRE = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// service validates one services entry.
func (b *builder) service(name string, raw rawService) Service {
	key := join("services", name)
	b.instanceName(key, name)

	s := Service{
		Name:               name,
		Kind:               strings.ToLower(strings.TrimSpace(raw.Kind)),
		Username:           raw.Username,
		Interval:           b.duration(key+".interval", raw.Interval, minInterval, maxInterval),
		Timeout:            b.duration(key+".timeout", raw.Timeout, minTimeout, maxTimeout),
		InsecureSkipVerify: raw.InsecureSkipVerify,
		IncludeUnknown:     raw.IncludeUnknown,
	}
	if b.p.defaulted[key+".timeout"] && s.Timeout > s.Interval {
		s.Timeout = s.Interval // a short interval shortens the default timeout with it
	}
	if !b.anyProblem(key+".interval", key+".timeout") && s.Timeout > s.Interval {
		b.p.addf(key+".timeout", "%s is longer than the interval (%s): use at most the interval",
			fmtDuration(s.Timeout), fmtDuration(s.Interval))
	}

	info, known := kindInfos[s.Kind]
	example := "http://127.0.0.1:8989"
	switch {
	case s.Kind == "":
		b.p.addf(key+".kind", "required (one of %s)", strings.Join(Kinds, ", "))
	case !known:
		b.p.addf(key+".kind", "unknown kind %q (known: %s)", raw.Kind, strings.Join(Kinds, ", "))
	case b.support != nil && !slices.Contains(b.support, s.Kind):
		b.p.addf(key+".kind", "kind %q is not supported by this version of discarr yet (supported: %s)",
			s.Kind, strings.Join(b.support, ", "))
		example = "http://127.0.0.1:" + info.port
	default:
		example = "http://127.0.0.1:" + info.port
	}
	s.URL = b.baseURL(key+".url", raw.URL, example)

	if known {
		b.credentials(key, info.auth, raw, &s)
	}
	b.tls(key, raw, &s)
	return s
}

// instanceName checks a services key; it becomes part of environment variable names.
func (b *builder) instanceName(key, name string) {
	switch {
	case !instanceNameRE.MatchString(name):
		b.p.addf(key, "invalid instance name %q: use lower-case letters, digits and _, "+
			"starting with a letter (it becomes part of names like %s)", name, envName(key+".url"))
	case strings.Contains(name, "__") || strings.HasSuffix(name, "_"):
		b.p.addf(key, "invalid instance name %q: a double or trailing underscore breaks "+
			"environment variable names like %s", name, envName(key+".url"))
	}
}

// credentials resolves the secrets of a service, as its kind's way of logging in needs.
func (b *builder) credentials(key string, a auth, raw rawService, s *Service) {
	s.APIKey = b.secret(key+".api_key", raw.APIKey, raw.APIKeyFile)
	s.Password = b.secret(key+".password", raw.Password, raw.PasswordFile)
	unused := func(field, how string) {
		b.p.addf(key+"."+field, "not used by kind %s (it logs in with %s)", s.Kind, how)
	}

	switch a {
	case authAPIKey:
		if !s.APIKey.IsSet() && !b.anyProblem(key+".api_key", key+".api_key_file") {
			what := "required"
			if s.Kind == KindPlex {
				what = "required (the X-Plex-Token)"
			}
			b.p.addf(key+".api_key", "%s: set api_key, api_key_file or %s", what, envName(key+".api_key"))
		}
		if s.Username != "" {
			unused("username", "an API key")
		}
		if raw.Password != "" || raw.PasswordFile != "" {
			unused(setName("password", raw.Password), "an API key")
		}
	case authLoginOptional:
		if raw.APIKey != "" || raw.APIKeyFile != "" {
			unused(setName("api_key", raw.APIKey), "username and password")
		}
		b.loginPair(key, s)
	case authPasswordOnly:
		if raw.APIKey != "" || raw.APIKeyFile != "" {
			unused(setName("api_key", raw.APIKey), "the web UI password")
		}
		if s.Username != "" {
			unused("username", "the web UI password only")
		}
		if !s.Password.IsSet() && !b.anyProblem(key+".password", key+".password_file") {
			b.p.addf(key+".password", "required (the web UI password): set password, "+
				"password_file or %s", envName(key+".password"))
		}
	}
}

// loginPair requires username and password together: a password alone is a mistake,
// and neither is fine for a client that lets localhost in without a login.
func (b *builder) loginPair(key string, s *Service) {
	pwKeys := []string{key + ".password", key + ".password_file"}
	switch {
	case s.Password.IsSet() && s.Username == "":
		b.p.add(key+".username", "required when a password is set")
	case !s.Password.IsSet() && s.Username != "" && !b.anyProblem(pwKeys...):
		b.p.addf(key+".password", "required when a username is set: set password, "+
			"password_file or %s", envName(key+".password"))
	}
}

// setName names the inline key when it was used, else its *_file sibling.
func setName(field, inline string) string {
	if inline != "" {
		return field
	}
	return field + "_file"
}

func (b *builder) anyProblem(keys ...string) bool {
	return slices.ContainsFunc(keys, b.p.has)
}

// tls checks ca_file and insecure_skip_verify.
func (b *builder) tls(key string, raw rawService, s *Service) {
	caFile := strings.TrimSpace(raw.CAFile)
	https := s.URL != nil && s.URL.Scheme == "https"
	switch {
	case caFile != "" && raw.InsecureSkipVerify:
		b.p.add(key+".ca_file", "set either ca_file or insecure_skip_verify, not both")
		return
	case raw.InsecureSkipVerify && s.URL != nil && !https:
		b.p.add(key+".insecure_skip_verify", "only applies to https URLs")
	}
	if caFile == "" {
		return
	}
	if s.URL != nil && !https {
		b.p.add(key+".ca_file", "only applies to https URLs")
		return
	}
	s.CAFile = absUnder(b.fileDir, caFile)
	pem, err := os.ReadFile(s.CAFile)
	if err != nil {
		b.p.addf(key+".ca_file", "read %s: %v", s.CAFile, pathErrReason(err))
		return
	}
	if !x509.NewCertPool().AppendCertsFromPEM(pem) {
		b.p.addf(key+".ca_file", "%s holds no PEM certificate", s.CAFile)
	}
}
