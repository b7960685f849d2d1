import type { EdgeKind } from "../graph/types.ts";

/**
 * What a reference means, from the property that makes it. Keys are compared without case and punctuation,
 * so CloudFormation's `VpcSecurityGroupIds` and Terraform's `vpc_security_group_ids` read the same.
 */
const BY_KEY: Record<string, EdgeKind> = {};
const add = (kind: EdgeKind, keys: string[]): void => {
  for (const key of keys) BY_KEY[key] = kind;
};
add("security-group", [
  "securitygroups",
  "securitygroupids",
  "securitygroupid",
  "vpcsecuritygroups",
  "vpcsecuritygroupids",
  "vpcsecuritygroupid",
  "groupid",
  "groupname",
  "cachesecuritygroupnames",
  "dbsecuritygroups",
]);
add("iam-role", [
  "role",
  "rolearn",
  "roles",
  "rolename",
  "executionrolearn",
  "taskrolearn",
  "servicerole",
  "iaminstanceprofile",
  "instanceprofile",
  "instanceprofilearn",
  "iamrolearn",
  "noderolearn",
  "podexecutionrolearn",
  "servicelinkedrolearn",
]);
add("iam-policy", ["managedpolicyarns", "policyarn", "policyarns", "permissionsboundary"]);
add("in-subnet", [
  "subnetid",
  "subnetids",
  "subnets",
  "vpczoneidentifier",
  "dbsubnetgroupname",
  "cachesubnetgroupname",
  "subnetgroupname",
  "dbsubnetgroup",
]);
add("encrypted-by", [
  "kmskeyid",
  "kmskeyarn",
  "kmsmasterkeyid",
  "kmsmasterkeyarn",
  "kmskeyidentifier",
  "kmskey",
  "sseawskmskeyid",
  "kmsencryptionkey",
  "encryptionkey",
  "keyid",
  "keyarn",
  "masterkeyid",
  "performanceinsightskmskeyid",
]);
add("logs-to", [
  "destinationbucketname",
  "targetbucket",
  "s3bucketname",
  "cloudwatchlogsloggrouparn",
  "cloudwatchlogsgrouparn",
  "logdestination",
  "destinationarn",
  "loggrouparn",
  "loggroupname",
  "logdestinationconfigs",
  "cloudwatchloggrouparn",
]);
add("depends-on", ["dependson"]);

function squash(segment: string): string {
  return segment.toLowerCase().replace(/[^a-z0-9]/g, "");
}

/**
 * The edge kind for a reference found at a property path (`Properties.SecurityGroupIds.0`,
 * `vpc_security_group_ids.1`, `logging.0.target_bucket`).
 */
export function edgeKindFor(path: string): EdgeKind {
  const segments = path.split(".").filter((s) => !/^\d+$/.test(s) && s !== "Properties");
  // `IamInstanceProfile.Arn`, `iam_instance_profile.name`: a generic last key defers to its parent.
  let last = segments.length - 1;
  if (last > 0 && GENERIC.has(squash(segments[last]!))) last -= 1;
  const kind = last >= 0 ? BY_KEY[squash(segments[last]!)] : undefined;
  if (kind) return kind;
  // Inside logging configuration, whatever is referenced is where logs go.
  if (segments.slice(0, -1).some((s) => /logging|accesslog|logconfig/i.test(s))) return "logs-to";
  return "references";
}

const GENERIC = new Set(["arn", "name", "id", "value"]);
