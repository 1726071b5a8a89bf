// Package profiles holds hmacctl's vendors as data: one TOML definition
// file per vendor, embedded in the binary, in the same format a user can
// write in their own config. docs/format.md describes the format.
package profiles

import (
	"embed"
	"fmt"
	"path"
	"slices"
	"strings"
)

//go:embed vendors/*.toml
var vendorFiles embed.FS

// BuiltinNames lists the built-in vendors, sorted.
func BuiltinNames() []string {
	entries, _ := vendorFiles.ReadDir("vendors") // embedded: cannot fail
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".toml"))
	}
	slices.Sort(names)
	return names
}

// Builtin parses the built-in vendor called name. Only that vendor's file
// is read.
func Builtin(name string) (*Vendor, error) {
	file := path.Join("vendors", name+".toml")
	data, err := vendorFiles.ReadFile(file)
	if err != nil || strings.ContainsAny(name, "/\\.") {
		return nil, &UnknownVendorError{Name: name, Known: BuiltinNames()}
	}
	v, err := decodeDefinition("profiles/"+file, data)
	if err != nil {
		return nil, err
	}
	if v.Name != name {
		return nil, v.fieldError("name", fmt.Errorf("is %q but the file is %s", v.Name, file))
	}
	return v, nil
}

// UnknownVendorError names a vendor that does not exist.
type UnknownVendorError struct {
	Name  string
	Known []string
}

func (e *UnknownVendorError) Error() string {
	return fmt.Sprintf("unknown vendor %q (built-in: %s)", e.Name, strings.Join(e.Known, ", "))
}
