// Command testsummary reads `go test -json` files written by gotestsum and prints
// one line per suite plus a closing "N passed, N failed, N skipped" line, listing
// every skipped test with the reason it gave, so a skip never goes unnoticed.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

type event struct {
	Action  string
	Package string
	Test    string
	Output  string
}

type counts struct{ pass, fail, skip int }

func main() {
	var total counts
	var skips []string
	for _, path := range os.Args[1:] {
		c, s, err := summarize(path)
		if err != nil {
			fmt.Fprintf(os.Stderr, "testsummary: %v\n", err)
			os.Exit(2)
		}
		suite := strings.TrimSuffix(filepath.Base(path), ".json")
		fmt.Printf("%-16s %d passed, %d failed, %d skipped\n", suite+":", c.pass, c.fail, c.skip)
		total.pass += c.pass
		total.fail += c.fail
		total.skip += c.skip
		for _, line := range s {
			skips = append(skips, suite+": "+line)
		}
	}
	if len(skips) > 0 {
		fmt.Println("skipped tests and their reasons:")
		for _, s := range skips {
			fmt.Println("  " + s)
		}
	}
	fmt.Printf("%d passed, %d failed, %d skipped\n", total.pass, total.fail, total.skip)
}

// summarize counts top-level and sub-test results in one go test -json stream.
func summarize(path string) (counts, []string, error) {
	f, err := os.Open(path)
	if err != nil {
		return counts{}, nil, err
	}
	defer func() { _ = f.Close() }()
	var c counts
	reason := map[string]string{}
	var skipped []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1024*1024), 16*1024*1024)
	for sc.Scan() {
		var e event
		if json.Unmarshal(sc.Bytes(), &e) != nil || e.Test == "" {
			continue
		}
		key := e.Package + " " + e.Test
		switch e.Action {
		case "output":
			if t := strings.TrimSpace(e.Output); t != "" && !strings.HasPrefix(t, "===") && !strings.HasPrefix(t, "---") {
				reason[key] = t
			}
		case "pass":
			c.pass++
		case "fail":
			c.fail++
		case "skip":
			c.skip++
			skipped = append(skipped, fmt.Sprintf("%s %s: %s", filepath.Base(e.Package), e.Test, reason[key]))
		}
	}
	sort.Strings(skipped)
	return c, skipped, sc.Err()
}
