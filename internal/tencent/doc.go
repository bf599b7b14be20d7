// Package tencent is the one Tencent Cloud client both binaries use. It wraps
// tencentcloud-sdk-go (common, cvm, vpc, lighthouse) and returns small typed values (Image,
// Instance, Blueprint, LighthouseInstance, ...) instead of the SDK's pointer structs.
//
// Credentials, first match wins: Config.SecretID/SecretKey(/SecurityToken) →
// TENCENTCLOUD_SECRET_ID/_SECRET_KEY(/_SECURITY_TOKEN) → the tccli profile
// <SharedCredentialsDir|TENCENTCLOUD_SHARED_CREDENTIALS_DIR|~/.tccli>/<Profile|TENCENTCLOUD_PROFILE|default>.credential
// → the CAM role (Config.CAMRoleName or TENCENTCLOUD_CAM_ROLE_NAME) from the metadata service
// at Config.MetadataURL. Config.AssumeRole then exchanges those for STS credentials. Temporary
// credentials are refreshed before every call once they are within 5 minutes (at most half
// their lifetime) of expiry. Region: Config.Region → TENCENTCLOUD_REGION → the profile's
// .configure → ap-guangzhou.
//
// Retries (bounded by MaxRetries, full-jitter exponential backoff, context-aware, each logged
// at DEBUG with action, code, request_id and attempt — never credentials or signatures):
//
//	RequestLimitExceeded*, ResourceBusy*, MutexOperation.TaskRunning   every call
//	InternalError*, network errors, gateway 5xx                        reads and idempotent calls
//	                                                                   (RunInstances carries a ClientToken)
//	ResourceInUse*                                                     deletes (dependents still going away)
//	OperationDenied.InstanceOperationInProgress                        instance actions wait for the running
//	                                                                   operation (WaitInstanceOperation), then retry
//
// Every Describe* is paginated to the end. DescribeImagesByID batches at most 100 ids per call
// and caches answers (including "does not exist") for the life of the Client, so one Terraform
// plan or Packer build asks once per image; concurrent callers share in-flight requests.
// Deletes treat "already gone" as success. Waiters (WaitInstanceState, WaitInstanceOperation,
// WaitImageNormal) fail early on LAUNCH_FAILED/FAILED/CREATEFAILED and time out with a
// *WaitTimeoutError naming the resource, the wanted state and the last state seen.
//
// Lighthouse (轻量应用服务器, endpoint override Config.Endpoints["lighthouse"] = ServiceLighthouse)
// is a separate product with its own ids (lhbp-, lhins-, lhkp-) and the same discipline:
//
//	ListBlueprints(filters) / DescribeBlueprints(ids) / GetBlueprint(id)   blueprints (system PURE_OS/APP_OS,
//	                                                                        PRIVATE custom, SHARED), paged to the end
//	CreateLighthouseInstance(CreateLighthouseInstanceInput)                 prepaid (Period months), ClientToken
//	                                                                        reused by retries; returns the id, PENDING
//	DescribeLighthouseInstances(ids) / GetLighthouseInstance(id) /
//	ListLighthouseInstances(filters) / ListLighthouseInstancesProgress
//	WaitLighthouseInstanceState(id, want, timeout)                          RUNNING, SHUTDOWN, ... or StateTerminated
//	WaitLighthouseInstanceOperation(id, timeout)
//	IsolateLighthouseInstance(id)                                           RUNNING/STOPPED → SHUTDOWN (退还)
//	TerminateLighthouseInstances(ids...)                                    isolates and waits for SHUTDOWN first, as the
//	                                                                        API requires; gone/terminating counts as done
//
//	StopLighthouseInstance(id) / StartLighthouseInstance(id)               already in that state counts as done
//	ImportLighthouseKeyPair / CreateLighthouseKeyPair / ListLighthouseKeyPairs /
//	DeleteLighthouseKeyPairs / Associate- / DisassociateLighthouseKeyPairs  lhkp- ids; (un)binding is idempotent
//	LighthouseFirewallRules / ReplaceLighthouseFirewallRules /
//	AddLighthouseFirewallRules / RemoveLighthouseFirewallRules              an instance's firewall
//	CreateBlueprint / WaitBlueprintState / DeleteBlueprints /
//	ModifyBlueprintAttribute / ShareBlueprintAcrossAccounts                 custom (PRIVATE) blueprints
//
// Lighthouse calls refused because an operation is still running (OperationDenied.InstanceCreating,
// OperationDenied.InstanceOperationInProgress, UnsupportedOperation.LatestOperationUnfinished) wait
// for that operation (WaitLighthouseInstanceOperation) and try again. These names are stable: the
// provider and the Packer builder build on them.
package tencent
