package cmd

import (
	"fmt"
	"strings"
)

// credentialSource says where a credential's value came from, for output
// that must say so without showing the value.
type credentialSource struct {
	Name   string `json:"name"`
	Source string `json:"source"`
}

// envName is the environment variable that holds a credential:
// api_secret -> HMACCTL_API_SECRET.
func envName(credential string) string {
	return "HMACCTL_" + strings.ToUpper(credential)
}

// credentialLabel is a credential's name for people: api_secret -> API
// secret.
func credentialLabel(credential string) string {
	switch credential {
	case "api_key":
		return "API key"
	case "api_secret":
		return "API secret"
	case "api_passphrase":
		return "API passphrase"
	case "token":
		return "token"
	}
	return credential
}

// resolveCredentials reads each credential a scheme needs from
// HMACCTL_<NAME>, then from the file named by HMACCTL_<NAME>_FILE (one
// trailing newline dropped). apiKeyFlag, when set, wins for the API key.
func resolveCredentials(f *Factory, needed []string, apiKeyFlag, vendor string) (map[string]string, []credentialSource, error) {
	values := map[string]string{}
	var sources []credentialSource
	for _, name := range needed {
		env := envName(name)
		if name == "api_key" && apiKeyFlag != "" {
			values[name] = apiKeyFlag
			sources = append(sources, credentialSource{name, "flag --api-key"})
			continue
		}
		if v := f.Getenv(env); v != "" {
			values[name] = v
			sources = append(sources, credentialSource{name, "environment " + env})
			continue
		}
		if path := f.Getenv(env + "_FILE"); path != "" {
			data, err := f.ReadFile(path)
			if err != nil {
				return nil, nil, usageErrorf("cannot read the %s from %s=%s: %v; check the path and its permissions", credentialLabel(name), env+"_FILE", path, unwrapPathError(err))
			}
			v := dropOneNewline(string(data))
			if v == "" {
				return nil, nil, usageErrorf("the %s file %s=%s is empty; write the %s into it", credentialLabel(name), env+"_FILE", path, credentialLabel(name))
			}
			values[name] = v
			sources = append(sources, credentialSource{name, "file " + env + "_FILE"})
			continue
		}
		hint := fmt.Sprintf("set %s or %s_FILE", env, env)
		if name == "api_key" {
			hint = fmt.Sprintf("set %s or pass --api-key", env)
		}
		return nil, nil, usageErrorf("missing %s for %s; %s", credentialLabel(name), vendor, hint)
	}
	return values, sources, nil
}

// dropOneNewline removes one trailing LF or CRLF, which editors add.
func dropOneNewline(s string) string {
	if t, ok := strings.CutSuffix(s, "\r\n"); ok {
		return t
	}
	return strings.TrimSuffix(s, "\n")
}
