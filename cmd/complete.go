package cmd

import (
	"maps"
	"slices"
	"strings"

	"github.com/hmacctl/hmacctl/profiles"
	"github.com/spf13/cobra"
)

// Dynamic shell completion: profile names, vendor names, variants,
// settings and HTTP methods. Errors complete nothing: a broken config
// must not break the shell.

func vendorNames(f *Factory) []string {
	names := profiles.BuiltinNames()
	if cfg, err := f.Config(); err == nil {
		names = append(names, cfg.UserVendors()...)
	}
	slices.Sort(names)
	return slices.Compact(names)
}

func savedProfileNames(f *Factory) []string {
	cfg, err := f.Config()
	if err != nil {
		return nil
	}
	return slices.Sorted(maps.Keys(cfg.Profiles))
}

// completeSavedProfiles completes the first argument with saved profiles.
func completeSavedProfiles(f *Factory) cobra.CompletionFunc {
	return func(c *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return savedProfileNames(f), cobra.ShellCompDirectiveNoFileComp
	}
}

// completeRequestArgs completes PROFILE (saved profiles and vendors) and
// METHOD; PATH is left to the user.
func completeRequestArgs(f *Factory) cobra.CompletionFunc {
	return func(c *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		switch len(args) {
		case 0:
			// A saved profile named like a vendor hides it: one name, once.
			names := savedProfileNames(f)
			for _, v := range vendorNames(f) {
				if !slices.Contains(names, v) {
					names = append(names, v)
				}
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		case 1:
			return []string{"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"}, cobra.ShellCompDirectiveNoFileComp
		}
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
}

// completeVariantOfArg completes --variant with the variants of the
// vendor that the first argument (a profile or vendor) names.
func completeVariantOfArg(f *Factory) cobra.CompletionFunc {
	return func(c *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		if len(args) == 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return variantsOf(f, args[0]), cobra.ShellCompDirectiveNoFileComp
	}
}

// completeVariantOfFlag completes --variant with the variants of the
// vendor named by another flag's value.
func completeVariantOfFlag(f *Factory, vendor *string) cobra.CompletionFunc {
	return func(c *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		return variantsOf(f, *vendor), cobra.ShellCompDirectiveNoFileComp
	}
}

func variantsOf(f *Factory, name string) []string {
	r, err := resolveProfile(f, name)
	if err != nil {
		return nil
	}
	var out []string
	for _, v := range r.Vendor.Variants() {
		out = append(out, v.Name+"\t"+strings.ReplaceAll(v.Description, "\n", " "))
	}
	return out
}

// completeSettingsOfArg completes --set with "NAME=" for each setting of
// the vendor that the first argument names.
func completeSettingsOfArg(f *Factory) cobra.CompletionFunc {
	return func(c *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		if len(args) == 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return settingsOf(f, args[0], toComplete)
	}
}

// completeSettingsOfFlag completes --set for the vendor named by another
// flag's value.
func completeSettingsOfFlag(f *Factory, vendor *string) cobra.CompletionFunc {
	return func(c *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		return settingsOf(f, *vendor, toComplete)
	}
}

// settingsOf completes a setting's name, followed by "=" and no space;
// the value is the user's.
func settingsOf(f *Factory, name, toComplete string) ([]string, cobra.ShellCompDirective) {
	if strings.Contains(toComplete, "=") {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	r, err := resolveProfile(f, name)
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	scheme, err := r.Vendor.Scheme("")
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []string
	for _, s := range slices.Sorted(maps.Keys(scheme.Settings())) {
		out = append(out, s+"=\t"+strings.ReplaceAll(scheme.SettingDocs[s], "\n", " "))
	}
	return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
}
