package lifecycle_test

import (
	"fmt"
	"time"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/lifecycle"
)

// The policy engine's view: parse an image's OsName, compute its phase on a
// given day, and explain it.
func Example() {
	cat, err := lifecycle.Load([]lifecycle.Override{
		{Family: "tencentos", Version: "4", EOLStandard: "2034-12-31", Source: "support case 1"},
	})
	if err != nil {
		panic(err)
	}
	today := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	for _, osName := range []string{
		"CentOS 7.9 64位",
		"Ubuntu Server 22.04 LTS 64bit UEFI",
		"Debian 12.4 64位",
		"TencentOS Server 4 for x86_64",
		"FreeBSD 13.2",
	} {
		rel, _, _ := cat.Parse(osName, "")
		st := lifecycle.Compute(rel, today, lifecycle.DefaultPolicy())
		fmt.Printf("%-36s %-15s supported=%-5v %s\n", osName, st.Phase, st.Supported, st.Reason())
	}
	// Output:
	// CentOS 7.9 64位                       eol             supported=false CentOS 7 reached end of life on 2024-06-30; successor: Rocky Linux 9
	// Ubuntu Server 22.04 LTS 64bit UEFI   approaching_eol supported=true  Ubuntu 22.04 standard support ends on 2027-04-01 (in 129 days); successor: Ubuntu 24.04
	// Debian 12.4 64位                      extended        supported=false Debian 12 standard support ended on 2026-07-11; only extended (paid/ESM/LTS) support remains until 2028-06-30; successor: Debian 13
	// TencentOS Server 4 for x86_64        supported       supported=true  TencentOS Server 4 is supported until 2034-12-31 (2960 days)
	// FreeBSD 13.2                         unknown         supported=false release not in the lifecycle catalog; its support status is unknown
}
