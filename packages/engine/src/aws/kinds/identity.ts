import { dig, isRecord, list, present, str, strings } from "../values.ts";
import type { KindSpec } from "./spec.ts";

/** An inline policy and where it is written. */
export interface InlinePolicy {
  name: string | undefined;
  document: unknown;
  path: string;
}

function cfnInline(policies: unknown): InlinePolicy[] {
  return list(policies).map((p, i) => ({
    name: str(dig(p, "PolicyName")) as string | undefined,
    document: dig(p, "PolicyDocument"),
    path: `Properties.Policies.${i}.PolicyDocument`,
  }));
}

function tfInline(blocks: unknown): InlinePolicy[] {
  return list(blocks).map((p, i) => ({
    name: str(dig(p, "name")) as string | undefined,
    document: dig(p, "policy"),
    path: `inline_policy.${i}.policy`,
  }));
}

const IDENTITY = "identity" as const;

export const IDENTITY_SPECS: KindSpec[] = [
  {
    kind: "aws.iam.role",
    role: IDENTITY,
    types: {
      "AWS::IAM::Role": (b) => ({
        trustPolicy: b.AssumeRolePolicyDocument,
        inlinePolicies: cfnInline(b.Policies),
        managedPolicyArns: strings(b.ManagedPolicyArns),
        permissionsBoundary: present(b.PermissionsBoundary),
      }),
      aws_iam_role: (b) => ({
        trustPolicy: b.assume_role_policy,
        inlinePolicies: tfInline(b.inline_policy),
        managedPolicyArns: strings(b.managed_policy_arns),
        permissionsBoundary: present(b.permissions_boundary),
      }),
    },
    paths: {
      trustPolicy: ["Properties.AssumeRolePolicyDocument", "assume_role_policy"],
      managedPolicyArns: ["Properties.ManagedPolicyArns", "managed_policy_arns"],
      inlinePolicies: ["Properties.Policies", "inline_policy"],
    },
  },
  {
    kind: "aws.iam.user",
    role: IDENTITY,
    types: {
      "AWS::IAM::User": (b) => ({
        inlinePolicies: cfnInline(b.Policies),
        managedPolicyArns: strings(b.ManagedPolicyArns),
        consoleAccess: present(b.LoginProfile),
        accessKeys: false,
      }),
      aws_iam_user: () => ({ inlinePolicies: [], managedPolicyArns: [], consoleAccess: false, accessKeys: false }),
    },
    paths: {
      managedPolicyArns: ["Properties.ManagedPolicyArns", null],
      inlinePolicies: ["Properties.Policies", null],
      consoleAccess: ["Properties.LoginProfile", null],
    },
  },
  {
    kind: "aws.iam.group",
    role: IDENTITY,
    types: {
      "AWS::IAM::Group": (b) => ({
        inlinePolicies: cfnInline(b.Policies),
        managedPolicyArns: strings(b.ManagedPolicyArns),
      }),
      aws_iam_group: () => ({ inlinePolicies: [], managedPolicyArns: [] }),
    },
    paths: { managedPolicyArns: ["Properties.ManagedPolicyArns", null], inlinePolicies: ["Properties.Policies", null] },
  },
  {
    kind: "aws.iam.policy",
    types: {
      "AWS::IAM::Policy": (b) => ({ document: b.PolicyDocument, inline: true }),
      "AWS::IAM::ManagedPolicy": (b) => ({ document: b.PolicyDocument, inline: false }),
      aws_iam_policy: (b) => ({ document: b.policy, inline: false }),
      aws_iam_role_policy: (b) => ({ document: b.policy, inline: true }),
      aws_iam_user_policy: (b) => ({ document: b.policy, inline: true }),
      aws_iam_group_policy: (b) => ({ document: b.policy, inline: true }),
    },
    paths: { document: ["Properties.PolicyDocument", "policy"] },
  },
  {
    kind: "aws.iam.policy-attachment",
    types: {
      aws_iam_role_policy_attachment: (b) => ({ policyArn: str(b.policy_arn) }),
      aws_iam_user_policy_attachment: (b) => ({ policyArn: str(b.policy_arn) }),
      aws_iam_group_policy_attachment: (b) => ({ policyArn: str(b.policy_arn) }),
      aws_iam_policy_attachment: (b) => ({ policyArn: str(b.policy_arn) }),
    },
    paths: { policyArn: [null, "policy_arn"] },
  },
  {
    kind: "aws.iam.group-membership",
    types: {
      "AWS::IAM::UserToGroupAddition": () => ({}),
      aws_iam_user_group_membership: () => ({}),
      aws_iam_group_membership: () => ({}),
    },
  },
  {
    kind: "aws.iam.instance-profile",
    types: { "AWS::IAM::InstanceProfile": () => ({}), aws_iam_instance_profile: () => ({}) },
  },
  {
    kind: "aws.iam.access-key",
    types: {
      "AWS::IAM::AccessKey": (b) => ({ active: str(b.Status) !== "Inactive" }),
      aws_iam_access_key: (b) => ({ active: str(b.status) !== "Inactive" }),
    },
    fold: [
      {
        via: ["UserName", "user"],
        into: ["aws.iam.user"],
        apply: (t, c) => {
          if (c.attrs.active) t.attrs.accessKeys = true;
        },
      },
    ],
  },
  {
    kind: "aws.iam.login-profile",
    types: { aws_iam_user_login_profile: () => ({}) },
    fold: [{ via: ["user"], into: ["aws.iam.user"], apply: (t) => void (t.attrs.consoleAccess = true) }],
  },
];

/** SAM's `Policies`: managed policy names, statements, or policy templates (`S3CrudPolicy: {…}`). */
export function samPolicies(value: unknown): { managed: string[]; documents: { document: unknown; path: string }[] } {
  const managed: string[] = [];
  const documents: { document: unknown; path: string }[] = [];
  const items = typeof value === "string" ? [value] : list(value);
  items.forEach((item, i) => {
    const path = typeof value === "string" ? "Properties.Policies" : `Properties.Policies.${i}`;
    if (typeof item === "string") managed.push(item.includes(":") ? item : `arn:aws:iam::aws:policy/${item}`);
    else if (isRecord(item) && item.Statement !== undefined) documents.push({ document: item, path });
  });
  if (isRecord(value) && value.Statement !== undefined)
    documents.push({ document: value, path: "Properties.Policies" });
  return { managed, documents };
}
