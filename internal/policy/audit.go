package policy

// Reason codes of the audit checks.
const (
	CodeAuditFailed       = "audit_failed"       // the image's own post-hardening audit failed more rules than allowed
	CodeIndependentFailed = "independent_failed" // the independent scanner failed more rules than allowed
)

// auditFindings judges the audit results an image's provenance records:
// its own post-hardening audit against MaxAuditFailures, and the
// independent scanner's result (when the record has one) against
// MaxIndependentFailures. A record that does not decode says nothing
// about audits; the provenance checks report it. Counts from a record
// that is not verified are still believed when they say "failed": nobody
// forges a failure to get an image approved.
func auditFindings(in Input, p Policy, add func(code string, violation bool, format string, args ...any)) {
	pv := in.Provenance
	if !pv.Present || pv.Record.ProfileID == "" {
		return
	}
	r := pv.Record
	note := ""
	if !pv.Verified {
		note = " (as its provenance, which is not verified, says)"
	}
	if r.Fail > p.MaxAuditFailures {
		add(CodeAuditFailed, true, "is not allowed: its hardening audit (profile %s %s) failed %d rules%s, more than max_audit_failures = %d; "+
			"fix or waive the failing rules and rebuild the image, or raise max_audit_failures.",
			r.ProfileID, r.ProfileVersion, r.Fail, note, p.MaxAuditFailures)
	}
	if s := r.Independent; s != nil && p.MaxIndependentFailures != nil && s.Fail > *p.MaxIndependentFailures {
		add(CodeIndependentFailed, true, "is not allowed: the independent scan (%s) failed %d of %d rules%s, more than max_independent_failures = %d; "+
			"fix the findings and rebuild the image, or raise max_independent_failures.",
			s.Scanner, s.Fail, s.Pass+s.Fail, note, *p.MaxIndependentFailures)
	}
}
