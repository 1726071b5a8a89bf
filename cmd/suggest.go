package cmd

import (
	"strings"
)

// closest is the candidate most like s, for a "did you mean" hint: one
// that differs only in case, else the nearest within two edits (one for
// a word of three or four letters, none for a shorter one), else the
// first that s begins; "" when none is close. Candidates earlier in the
// list win ties.
func closest(s string, candidates []string) string {
	lower := strings.ToLower(s)
	if lower == "" {
		return ""
	}
	limit := 2
	switch {
	case len(lower) <= 2:
		limit = 0
	case len(lower) <= 4:
		limit = 1
	}
	best, bestDistance := "", limit+1
	for _, c := range candidates {
		if c == s {
			continue
		}
		d := editDistance(lower, strings.ToLower(c))
		if d < bestDistance {
			best, bestDistance = c, d
		}
	}
	if best != "" {
		return best
	}
	if len(lower) >= 2 {
		for _, c := range candidates {
			if c != s && strings.HasPrefix(strings.ToLower(c), lower) {
				return c
			}
		}
	}
	return ""
}

// editDistance is the Levenshtein distance between a and b, counting a
// swap of two neighbouring characters as one edit (Damerau's rule), by
// bytes.
func editDistance(a, b string) int {
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// didYouMean is "; did you mean X?" with X the candidate closest to s,
// written by quote, or "" when none is close.
func didYouMean(s string, candidates []string, quote func(string) string) string {
	c := closest(s, candidates)
	if c == "" {
		return ""
	}
	return "; did you mean " + quote(c) + "?"
}

// plain writes a suggestion as it is; quoted writes it in double quotes.
func plain(s string) string  { return s }
func quoted(s string) string { return `"` + s + `"` }
