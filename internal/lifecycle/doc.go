// Package lifecycle knows when operating-system releases stop being
// supported. It holds an embedded release catalog (every date with its
// source), parses Tencent Cloud OsName/Platform strings into a release, and
// computes a support phase for a given day under a policy.
//
// It imports no Terraform or Packer SDK: the Terraform provider, the image
// policy engine and the Packer plugin are thin adapters over it.
//
// # Typical use
//
//	cat, err := lifecycle.Load(overrides)          // embedded table + user dates
//	rel, id, known := cat.Parse(img.OsName, img.Platform)
//	st := cat.Evaluate(rel, clock(), lifecycle.Policy{WarnDays: 180})
//	if !st.Supported { return fmt.Errorf("image %s: %s", img.ImageId, st.Reason()) }
//
// # Decisions
//
//   - Dates are calendar days in UTC and mean "support ends on this day"
//     (endoflife.date's eolFrom): on the EOL date itself a release is past
//     standard support. Days-left counts are whole days from today.
//   - A release that is not in the catalog, or has no end of standard
//     support, is PhaseUnknown and never Supported. Nothing is silently
//     "supported".
//   - "Today" is always passed in (see Clock, TodayEnv); the package never
//     reads the wall clock or the environment on its own.
//   - Precedence: embedded table < online refresh < user overrides. Overrides
//     are the user's own evidence, so they win over any source.
//   - Refresh is opt-in and per release (FetchRelease) or per catalog
//     (Catalog.Refresh); callers bound it with a context deadline and fall
//     back to the embedded data on any error. Families without an
//     endoflife.date product (TencentOS, OpenCloudOS) are never fetched.
//   - Catalogs are immutable values: WithOverrides/WithRelease return new
//     ones, so a catalog can be shared across goroutines. The embedded table
//     is parsed once, lazily, and never mutated.
//   - The parser is allocation-light (ParseAndStatus is well under the
//     2 µs/op budget) because the policy engine runs it for every image of a
//     DescribeImages page.
package lifecycle
