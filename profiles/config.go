package profiles

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/gofrs/flock"
	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
)

// Profile is a saved profile: a vendor with the user's settings. Secrets
// are never part of it: they live in the OS keyring or the environment.
type Profile struct {
	Vendor  string `toml:"vendor"`
	Variant string `toml:"variant,omitempty"`
	BaseURL string `toml:"base_url,omitempty"`
	APIKey  string `toml:"api_key,omitempty"`
	// Secrets is false for a profile that keeps no secret in the OS
	// keyring (saved with --no-secret): nothing there to read, move or
	// delete. Nil, as in a profile written before the field existed,
	// means it may keep some.
	Secrets  *bool             `toml:"secrets,omitempty"`
	Settings map[string]string `toml:"settings,omitempty"`
}

// KeepsSecrets reports whether the profile may have items in the OS
// keyring: true unless it says secrets = false.
func (p Profile) KeepsSecrets() bool { return p.Secrets == nil || *p.Secrets }

// Config is the user's config file: saved profiles, and vendor
// definitions of the user's own under [vendors.NAME], in the same format
// as the built-in ones.
type Config struct {
	// Path is the file's path.
	Path string
	// Profiles by name.
	Profiles map[string]Profile
	// data is the file as read, so that a rewrite keeps everything but
	// the profiles exactly as the user wrote it.
	data    []byte
	vendors map[string]*Vendor
}

type configFile struct {
	Profiles map[string]Profile        `toml:"profiles"`
	Vendors  map[string]definitionFile `toml:"vendors"`
}

// ConfigPath is where the config lives: $HMACCTL_CONFIG, else
// os.UserConfigDir()/hmacctl/config.toml (so XDG_CONFIG_HOME is honoured).
func ConfigPath(getenv func(string) string) (string, error) {
	if p := getenv("HMACCTL_CONFIG"); p != "" {
		return p, nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("cannot find a config directory (%v); set HMACCTL_CONFIG to a file path", err)
	}
	return filepath.Join(dir, "hmacctl", "config.toml"), nil
}

// validProfileName says whether name is what a profile name may be: 1-64
// letters, digits, '.', '_' or '-', starting with a letter or digit. It
// is used in keyring accounts, environment variable names and file names.
// (A loop, not a regexp compiled at start-up: every command would pay
// for it.)
func validProfileName(name string) bool {
	if name == "" || len(name) > 64 {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		if !alnum && (i == 0 || c != '.' && c != '_' && c != '-') {
			return false
		}
	}
	return true
}

// CheckProfileName says what is wrong with a profile name, if anything.
func CheckProfileName(name string) error {
	if !validProfileName(name) {
		return fmt.Errorf("profile name %q must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit", name)
	}
	return nil
}

// LoadConfig reads the config file; a missing file is an empty config. A
// file that cannot be read or parsed is an error naming its path (and
// line), and is never overwritten.
func LoadConfig(path string) (*Config, error) {
	c := &Config{Path: path, Profiles: map[string]Profile{}}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read the config file %s: %w", path, unwrapPath(err))
	}
	c.data = data
	var file configFile
	if err := toml.NewDecoder(bytes.NewReader(data)).DisallowUnknownFields().Decode(&file); err != nil {
		return nil, tomlError(path, data, err)
	}
	for name, p := range file.Profiles {
		if err := CheckProfileName(name); err != nil {
			return nil, &DefinitionError{File: path, Line: lineAt(data, keyOffsets(data)["profiles."+name]), Field: "profiles." + name, Err: err}
		}
		c.Profiles[name] = p
	}
	c.vendors = map[string]*Vendor{}
	for name, def := range file.Vendors {
		v := &Vendor{Name: name, Title: def.Title, Docs: def.Docs, File: path, base: def, data: data, keyPrefix: "vendors." + name + "."}
		if def.Name != "" && def.Name != name {
			return nil, v.fieldError("name", fmt.Errorf("is %q under [vendors.%s]; drop it or make them the same", def.Name, name))
		}
		if def.BaseURL == "" {
			return nil, v.fieldError("base_url", errors.New("is missing: give the vendor's API base URL"))
		}
		for _, vn := range slices.Sorted(maps.Keys(def.Variants)) {
			v.variants = append(v.variants, Variant{Name: vn, Description: def.Variants[vn].Description})
		}
		for _, variant := range append([]Variant{{}}, v.variants...) {
			if _, err := v.Scheme(variant.Name); err != nil {
				return nil, err
			}
		}
		c.vendors[name] = v
	}
	return c, nil
}

// UserVendors lists the user's own vendor names, sorted.
func (c *Config) UserVendors() []string { return slices.Sorted(maps.Keys(c.vendors)) }

// Vendor finds a vendor by name: the user's own first, then the built-in
// ones.
func (c *Config) Vendor(name string) (*Vendor, error) {
	if v, ok := c.vendors[name]; ok {
		return v, nil
	}
	v, err := Builtin(name)
	var unknown *UnknownVendorError
	if errors.As(err, &unknown) {
		unknown.Known = append(unknown.Known, c.UserVendors()...)
		slices.Sort(unknown.Known)
	}
	return v, err
}

// Update reads the config under an exclusive lock, lets change modify it,
// and writes it back atomically (a temporary file in the same directory,
// fsync, rename) with mode 0600, so that concurrent updates never lose
// one another's profiles. Everything in the file but the profiles is kept
// as the user wrote it.
func Update(path string, change func(*Config) error) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("cannot create the config directory: %w", unwrapPath(err))
	}
	// One file, one lock: writers reaching it through a symlink and
	// through its target must take the same lock.
	if target, err := filepath.EvalSymlinks(path); err == nil {
		path = target
	}
	lock := flock.New(path + ".lock")
	deadline := time.Now().Add(10 * time.Second)
	for {
		ok, err := lock.TryLock()
		if err != nil {
			return fmt.Errorf("cannot lock %s: %w", path+".lock", err)
		}
		if ok {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the config file %s is locked by another hmacctl for more than 10s; try again", path)
		}
		time.Sleep(10 * time.Millisecond)
	}
	defer lock.Unlock()
	c, err := LoadConfig(path)
	if err != nil {
		return err
	}
	if err := change(c); err != nil {
		return err
	}
	rendered := c.render()
	if err := checkRendered(rendered, c.Profiles); err != nil {
		return fmt.Errorf("cannot update %s without changing what you wrote (%v); write each profile as a [profiles.NAME] table", path, err)
	}
	return writeAtomically(path, rendered)
}

// checkRendered makes sure a rewritten config loads and holds exactly the
// profiles meant: profiles written other than as [profiles.NAME] tables
// (dotted keys, inline tables) cannot be rewritten safely.
func checkRendered(data []byte, want map[string]Profile) error {
	var file configFile
	if err := toml.NewDecoder(bytes.NewReader(data)).Decode(&file); err != nil {
		return err
	}
	if len(file.Profiles) != len(want) {
		return fmt.Errorf("%d profiles after the rewrite, %d meant", len(file.Profiles), len(want))
	}
	for name, p := range want {
		got, ok := file.Profiles[name]
		if !ok || got.Vendor != p.Vendor || got.Variant != p.Variant || got.BaseURL != p.BaseURL || got.APIKey != p.APIKey || !sameBool(got.Secrets, p.Secrets) || !maps.Equal(got.Settings, p.Settings) {
			return fmt.Errorf("profile %s would not read back as written", name)
		}
	}
	return nil
}

func sameBool(a, b *bool) bool { return a == nil && b == nil || a != nil && b != nil && *a == *b }

// render writes the config: the user's own parts of the file verbatim,
// then the profiles.
func (c *Config) render() []byte {
	var b bytes.Buffer
	b.Write(withoutProfiles(c.data))
	if len(c.Profiles) == 0 {
		return b.Bytes()
	}
	if b.Len() > 0 && !bytes.HasSuffix(b.Bytes(), []byte("\n\n")) {
		if !bytes.HasSuffix(b.Bytes(), []byte("\n")) {
			b.WriteByte('\n')
		}
		b.WriteByte('\n')
	}
	if b.Len() == 0 {
		b.WriteString("# hmacctl config: profiles are written by `hmacctl profile`; secrets are\n# kept in the OS keyring, never here. Your own vendors go under [vendors.NAME].\n\n")
	}
	out, _ := toml.Marshal(struct {
		Profiles map[string]Profile `toml:"profiles"`
	}{c.Profiles}) // maps of strings cannot fail to encode
	b.Write(out)
	return b.Bytes()
}

// withoutProfiles cuts the [profiles...] tables out of a config file,
// keeping every other part as written. Tables are cut from their header
// line to the next header.
func withoutProfiles(data []byte) []byte {
	if len(data) == 0 {
		return nil
	}
	type table struct {
		start    int
		profiles bool
	}
	var tables []table
	p := unstable.Parser{}
	p.Reset(data)
	for p.NextExpression() {
		n := p.Expression()
		if n.Kind != unstable.Table && n.Kind != unstable.ArrayTable {
			continue
		}
		key := joinKey(n.Key())
		start := commentsAbove(data, lineStart(data, keyOffset(&p, n)))
		tables = append(tables, table{start: start, profiles: key == "profiles" || strings.HasPrefix(key, "profiles.")})
	}
	var out []byte
	prev := 0
	keep := true
	for _, t := range tables {
		if keep {
			out = append(out, data[prev:t.start]...)
		}
		prev, keep = t.start, !t.profiles
	}
	if keep {
		out = append(out, data[prev:]...)
	}
	return bytes.TrimRight(out, "\n")
}

// commentsAbove moves a table's start up over the comment lines directly
// above its header: they belong to it.
func commentsAbove(data []byte, start int) int {
	for start > 0 {
		prev := lineStart(data, start-1)
		if !bytes.HasPrefix(bytes.TrimSpace(data[prev:start]), []byte("#")) {
			break
		}
		start = prev
	}
	return start
}

func lineStart(data []byte, offset int) int {
	return bytes.LastIndexByte(data[:offset], '\n') + 1
}

// writeAtomically replaces the file at path (the file a symlink points
// to, not the link) with data: a temporary file in the same directory,
// mode 0600, fsync, rename, then fsync of the directory.
func writeAtomically(path string, data []byte) error {
	if target, err := filepath.EvalSymlinks(path); err == nil {
		path = target
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".config-*.toml")
	if err != nil {
		return fmt.Errorf("cannot write the config file: %w", unwrapPath(err))
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing to remove
	err = tmp.Chmod(0o600)
	if err == nil {
		_, err = tmp.Write(data)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("cannot write the config file %s: %w", path, unwrapPath(err))
	}
	if dir, err := os.Open(filepath.Dir(path)); err == nil {
		_ = dir.Sync() // the rename itself durable; not every system allows it
		dir.Close()
	}
	return nil
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
