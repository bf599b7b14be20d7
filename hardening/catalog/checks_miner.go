package catalog

// Crypto-miner indicators: audit-only checks for the file names, pool
// addresses and persistence tricks common to miner droppers. They report,
// never delete: a hit needs an investigation, not an automatic cleanup.
// Tencent Cloud's own agents (stargate, barad, YunJing under
// /usr/local/qcloud) match none of the patterns.

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path"
	"regexp"
	"strings"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
	"github.com/hardenedcloud/terraform-provider-hardened/hardening/primitive"
)

// minerNames are executable or file names used by common miners and the
// droppers that install them.
var minerNames = regexp.MustCompile(`(?i)^(xmrig|xmr-stak|xmrig-notls|minerd|cpuminer|ccminer|nbminer|t-rex|lolminer|kdevtmpfsi|kinsing|kthreaddi|kworkerds|dbused|sysupdate|networkservice|sysguard|watchbog|\.xmrig\.json|config_background\.json)$`)

// poolPattern matches mining pool addresses and wallet-style arguments.
var poolPattern = regexp.MustCompile(`(?i)stratum2?\+(tcp|ssl|tls)://|\b(xmrpool|supportxmr|minexmr|moneroocean|c3pool|nanopool|2miners|f2pool|hashvault|herominers)\.|--donate-level|"coin"\s*:\s*"monero"`)

// dropperPattern matches cron/unit lines that fetch and run code or run it
// from world-writable locations.
var dropperPattern = regexp.MustCompile(`(?i)(curl|wget)\b[^|;]*\|\s*(ba|da)?sh\b|base64\s+(-d|--decode)[^|]*\|\s*(ba|da)?sh\b|(^|[\s=/"'])(/tmp|/var/tmp|/dev/shm)/\S+`)

type minerKind int

const (
	minerFiles minerKind = iota
	minerPools
	minerCron
	minerSystemd
	minerTmpExec
	minerPreload
)

// minerCheck is one audit-only indicator scan.
type minerCheck struct{ Kind minerKind }

var minerScanDirs = []string{"/tmp", "/var/tmp", "/dev/shm", "/usr/local/bin", "/usr/local/sbin", "/usr/bin", "/usr/sbin", "/opt", "/root", "/home", "/etc"}

func (m minerCheck) Describe() string {
	return map[minerKind]string{
		minerFiles: "no known miner file names", minerPools: "no mining pool addresses in configuration",
		minerCron: "no fetch-and-run or temp-dir jobs in cron", minerSystemd: "no units running from temp dirs or miner binaries",
		minerTmpExec: "no executables in /tmp, /var/tmp, /dev/shm", minerPreload: "no /etc/ld.so.preload",
	}[m.Kind]
}

// scanFiles walks dirs (bounded depth) calling fn for regular files.
func scanFiles(t *engine.Target, dirs []string, maxDepth int, fn func(p string, fi fs.FileInfo)) error {
	for _, d := range dirs {
		if !t.Exists(d) {
			continue
		}
		base := strings.Count(d, "/")
		err := walkLocal(t, d, func(p string, fi fs.FileInfo) {
			if strings.Count(p, "/")-base > maxDepth || !fi.Mode().IsRegular() {
				return
			}
			fn(p, fi)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func (m minerCheck) hits(t *engine.Target) ([]string, error) {
	var hits []string
	grep := func(files []string, re *regexp.Regexp) error {
		for _, f := range files {
			fi, err := t.Stat(f)
			if err != nil || !fi.Mode().IsRegular() || fi.Size() > 1<<20 {
				continue
			}
			data, _, err := readOpt(t, f)
			if err != nil {
				return err
			}
			for _, l := range activeLinesOf(data) {
				if re.MatchString(l) {
					hits = append(hits, fmt.Sprintf("%s: %s", f, truncate(l, 120)))
					break
				}
			}
		}
		return nil
	}
	switch m.Kind {
	case minerFiles:
		err := scanFiles(t, minerScanDirs, 4, func(p string, fi fs.FileInfo) {
			if minerNames.MatchString(path.Base(p)) {
				hits = append(hits, p)
			}
		})
		return hits, err
	case minerPools:
		var files []string
		err := scanFiles(t, []string{"/etc", "/root", "/home", "/opt", "/tmp", "/var/tmp"}, 4, func(p string, fi fs.FileInfo) {
			if fi.Size() <= 1<<20 {
				files = append(files, p)
			}
		})
		if err != nil {
			return nil, err
		}
		return hits, grep(files, poolPattern)
	case minerCron:
		files, err := primitive.Expand(t, []string{"/etc/crontab", "/etc/cron.d/*", "/etc/cron.hourly/*", "/etc/cron.daily/*", "/etc/cron.weekly/*",
			"/etc/cron.monthly/*", "/var/spool/cron/crontabs/*", "/var/spool/cron/*", "/etc/anacrontab"})
		if err != nil {
			return nil, err
		}
		return hits, grep(files, regexp.MustCompile(dropperPattern.String()+`|`+poolPattern.String()))
	case minerSystemd:
		files, err := primitive.Expand(t, []string{"/etc/systemd/system/*.service", "/etc/systemd/system/*.timer", "/usr/lib/systemd/system/*.service",
			"/lib/systemd/system/*.service", "/etc/init.d/*", "/etc/rc.local"})
		if err != nil {
			return nil, err
		}
		exec := regexp.MustCompile(`(?i)(^Exec\w*=.*(` + dropperPattern.String() + `))|(^Exec\w*=\S*/(xmrig|kdevtmpfsi|kinsing|minerd|cpuminer)\b)`)
		return hits, grep(files, exec)
	case minerTmpExec:
		self := ""
		if t.Root() == "/" {
			// The harden bundle itself may have been uploaded to /tmp.
			self, _ = os.Executable()
		}
		err := scanFiles(t, []string{"/tmp", "/var/tmp", "/dev/shm"}, 6, func(p string, fi fs.FileInfo) {
			if fi.Mode().Perm()&0o111 != 0 && p != self {
				hits = append(hits, p)
			}
		})
		return hits, err
	case minerPreload:
		data, ok, err := readOpt(t, "/etc/ld.so.preload")
		if err != nil {
			return nil, err
		}
		if ok && len(activeLinesOf(data)) > 0 {
			hits = append(hits, "/etc/ld.so.preload: "+strings.Join(activeLinesOf(data), ", "))
		}
		return hits, nil
	}
	return nil, fmt.Errorf("unknown miner check %d", m.Kind)
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

func (m minerCheck) Audit(ctx context.Context, t *engine.Target) engine.Finding {
	hits, err := m.hits(t)
	if err != nil {
		return engine.Errorf("scan: %v", err)
	}
	if len(hits) > 0 {
		return engine.Fail("possible crypto-miner indicator: %s", short(hits))
	}
	return engine.Pass("%s", m.Describe())
}

func (minerCheck) Fix(context.Context, *engine.Target, *engine.Plan) error { return engine.ErrNoFix }
