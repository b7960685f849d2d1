import type { GraphNode } from "../../graph/types.ts";
import type { RuleContext } from "../../rules/types.ts";
import type { InlinePolicy } from "../kinds/identity.ts";
import {
  BROAD_MANAGED_POLICIES,
  type Statement,
  allows,
  anyResource,
  deniedInDocument,
  escalationActions,
  neverApplies,
  passRoleEscalation,
  passesAnyRole,
  inPolicyDocumentBlock,
  isAllow,
  isFullAdmin,
  grantsAny,
  isPublicPrincipal,
  managedPolicyName,
  statements,
  wildcardActions,
  writeOnAnyResource,
} from "../policy.ts";
import { at, awsRule, type Hit } from "./define.ts";

// TL-AWS-IAM: IAM policies, roles, users and groups.

const POLICY_HOLDERS = ["aws.iam.policy", "aws.iam.role", "aws.iam.user", "aws.iam.group", "aws.lambda.function"];

const IDENTITIES = ["aws.iam.role", "aws.iam.user", "aws.iam.group"];

/** Every policy document a node holds, with the path it is written at. */
function documents(node: GraphNode): Array<{ document: unknown; path: string }> {
  if (node.kind === "aws.iam.policy") return [{ document: node.attrs.document, path: at(node, "document") }];
  return ((node.attrs.inlinePolicies as InlinePolicy[] | undefined) ?? []).map((p) => ({
    document: p.document,
    path: p.path,
  }));
}

/** Hits for the statements of a node's documents that match `pick`. */
/**
 * The one policy weakness a statement is reported as, the most severe that applies: a statement granting
 * `iam:*` is privilege escalation, not also "a service wildcard" and "writes on every resource".
 */
function topWeakness(s: Statement, all: readonly Statement[], together: readonly Held[] = []): string | undefined {
  if (!isAllow(s) || neverApplies(s)) return undefined;
  // Everything it allows is taken away by an unconditional Deny of the same document.
  if (s.actions.length > 0 && s.actions.every((a) => deniedInDocument(a, all))) return undefined;
  if (isFullAdmin(s)) return "TL-AWS-IAM-001";
  if (
    escalationActions(s).some((a) => a !== "sts:AssumeRole" && !deniedInDocument(a, all)) ||
    (passesAnyRole(s) &&
      !deniedInDocument("iam:PassRole", all) &&
      (passRoleEscalation(all) ||
        together.some((h) => !deniedInDocument("iam:PassRole", h.statements) && passRoleEscalation(h.statements))))
  )
    return "TL-AWS-IAM-009";
  if (allows(s, "iam:PassRole") && s.resources.includes("*")) return "TL-AWS-IAM-008";
  if (s.notActions.length > 0) return "TL-AWS-IAM-010";
  if (s.notResources.length > 0) return "TL-AWS-IAM-011";
  if (wildcardActions(s).some((a) => a !== "*")) return "TL-AWS-IAM-002";
  if (writeOnAnyResource(s).some((a) => !/:\*$/.test(a))) return "TL-AWS-IAM-003";
  return undefined;
}

/** iam:PassRole limited to the role the workload passes, to the service it passes it to. */
const PASS_ROLE_FIX = {
  cloudformation:
    "- Effect: Allow\n  Action: iam:PassRole\n  Resource: !GetAtt TaskRole.Arn\n  Condition:\n    StringEquals:\n      iam:PassedToService: ecs-tasks.amazonaws.com",
  terraform:
    'policy = jsonencode({\n  Version = "2012-10-17"\n  Statement = [{\n    Effect    = "Allow"\n    Action    = "iam:PassRole"\n    Resource  = aws_iam_role.task.arn\n    Condition = { StringEquals = { "iam:PassedToService" = "ecs-tasks.amazonaws.com" } }\n  }]\n})',
};

/** Where an escalation action outside IAM is scoped to: the stacks, functions or instances the workload runs. */
const ESCALATION_SCOPES: Record<string, { cloudformation: string; terraform: string }> = {
  cloudformation: {
    cloudformation: "!Sub arn:aws:cloudformation:${AWS::Region}:${AWS::AccountId}:stack/app-*/*",
    terraform:
      '"arn:aws:cloudformation:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:stack/app-*/*"',
  },
  lambda: { cloudformation: "!GetAtt AppFunction.Arn", terraform: "aws_lambda_function.app.arn" },
  ssm: {
    cloudformation: "!Sub arn:aws:ec2:${AWS::Region}:${AWS::AccountId}:instance/${AppInstance}",
    terraform: "aws_instance.app.arn",
  },
};

/**
 * The fix for an escalation statement, for the actions it grants: the rule's fix (take IAM writes away) is
 * another weakness's fix for a statement that escalates through CloudFormation, Lambda or Systems Manager.
 */
function escalationFix(found: readonly string[], s: Statement): Hit["fix"] {
  const action = found.find((a) => !a.startsWith("iam:"));
  if (!action || found.some((a) => a.startsWith("iam:"))) return undefined;
  const service = action.split(":")[0]!;
  const scope = ESCALATION_SCOPES[service] ?? {
    cloudformation: `!Sub arn:aws:${service}:\${AWS::Region}:\${AWS::AccountId}:app-*`,
    terraform: `"arn:aws:${service}:\${data.aws_region.current.name}:\${data.aws_caller_identity.current.account_id}:app-*"`,
  };
  const actions = found.filter((a) => a.startsWith(`${service}:`));
  return {
    cloudformation: `# ${actions.join(", ")} only on what this workload manages, not on every resource\nAction:\n${actions.map((a) => `  - ${a}`).join("\n")}\nResource: ${scope.cloudformation}`,
    // The statement's own Terraform form: a `data "aws_iam_policy_document"` block or a jsonencode()d document.
    terraform: inPolicyDocumentBlock(s)
      ? `# ${actions.join(", ")} only on what this workload manages, not on every resource\nstatement {\n  actions   = [${actions.map((a) => `"${a}"`).join(", ")}]\n  resources = [${scope.terraform}]\n}`
      : `# ${actions.join(", ")} only on what this workload manages, not on every resource\nAction   = [${actions.map((a) => `"${a}"`).join(", ")}]\nResource = ${scope.terraform}`,
  };
}

/** One principal and every policy it holds (its inline ones and the policy resources attached to it). */
interface Held {
  principal: GraphNode;
  policies: GraphNode[];
  statements: Statement[];
}

const grantingPolicies = (nodes: GraphNode[]): GraphNode[] =>
  [...new Set(nodes)].filter((n) => n.kind === "aws.iam.policy" && n.attrs.boundaryOnly !== true);

function heldBy(ctx: RuleContext, principal: GraphNode): Held {
  const policies = grantingPolicies([...ctx.out(principal.id), ...ctx.in(principal.id)]);
  return {
    principal,
    policies,
    statements: [principal, ...policies].flatMap((n) => documents(n).flatMap((d) => statements(d.document))),
  };
}

/**
 * What is held together with a node's own statements: for a role, user or group, all its policies; for a policy
 * resource, each identity it is attached to with that identity's other policies. An escalation can be split
 * (iam:PassRole in one policy, lambda:CreateFunction in another of the same role).
 */
function heldWith(ctx: RuleContext, node: GraphNode): Held[] {
  if (IDENTITIES.includes(node.kind)) return [heldBy(ctx, node)];
  if (node.kind !== "aws.iam.policy") return [];
  const principals = [...new Set([...ctx.in(node.id), ...ctx.out(node.id)])].filter((n) => IDENTITIES.includes(n.kind));
  return principals.map((p) => heldBy(ctx, p));
}

/** Hits for the statements of a node's documents that `rule` is the top weakness of and `pick` describes. */
function statementHits(
  ctx: RuleContext,
  node: GraphNode,
  rule: string,
  pick: (s: Statement, together: readonly Held[]) => string | false | Pick<Hit, "detail" | "related" | "fix">,
): Hit[] {
  const hits: Hit[] = [];
  // A policy used only as a permissions boundary limits what an identity may do; it grants nothing.
  if (node.attrs.boundaryOnly === true) return hits;
  const all = documents(node).flatMap((d) => statements(d.document));
  const together = all.some(passesAnyRole) ? heldWith(ctx, node) : [];
  for (const { document, path } of documents(node)) {
    for (const s of statements(document)) {
      if (topWeakness(s, all, together) !== rule) continue;
      const picked = pick(s, together);
      if (!picked) continue;
      const why = typeof picked === "string" ? picked : picked.detail;
      const where = statementPath(node, path, s);
      hits.push({
        ...(typeof picked === "string" ? {} : { related: picked.related }),
        ...(typeof picked !== "string" && picked.fix ? { fix: picked.fix } : {}),
        paths: [where],
        // A statement written in a `data "aws_iam_policy_document"` block: the evidence is that block's statement.
        ...(s.source ? { locations: [{ file: s.source.file, line: s.source.line, path: s.source.path }] } : {}),
        detail: why,
      });
    }
  }
  return hits;
}

/**
 * The property path of a statement of the document at `path`: its own where its line is known (CloudFormation,
 * a Terraform `jsonencode({…})` or heredoc), else the document's.
 */
function statementPath(node: GraphNode, path: string, s: Statement): string {
  const own = path ? `${path}.Statement.${s.index}` : "";
  return own && (node.format === "cloudformation" || node.propertyLines[own] !== undefined) ? own : path;
}

const managed = (node: GraphNode): string[] => (node.attrs.managedPolicyArns as string[] | undefined) ?? [];

/** Attachment resources (Terraform) that attach a policy to this identity. */
function attachments(ctx: RuleContext, node: GraphNode): GraphNode[] {
  return ctx.in(node.id).filter((n) => n.kind === "aws.iam.policy-attachment");
}

const TRUST = ["aws.iam.role"];

const trustStatements = (node: GraphNode): Statement[] => statements(node.attrs.trustPolicy).filter(isAllow);

const trustPath = (node: GraphNode, s: Statement): string => statementPath(node, at(node, "trustPolicy"), s);

export const IAM_RULES = [
  awsRule({
    id: "TL-AWS-IAM-001",
    title: "IAM policy grants full administrator access",
    category: "ElevationOfPrivilege",
    likelihood: 3,
    impact: 5,
    kinds: POLICY_HOLDERS,
    description:
      'A policy of {resource} allows Action "*" on Resource "*": whoever holds it controls the whole account.',
    remediation:
      "Grant only the actions and resources the workload uses (IAM Access Analyzer can generate a policy from CloudTrail activity).",
    fix: {
      cloudformation:
        "PolicyDocument:\n  Version: '2012-10-17'\n  Statement:\n    - Effect: Allow\n      Action:\n        - s3:GetObject\n      Resource: !Sub \"${DataBucket.Arn}/*\"",
      terraform:
        'policy = jsonencode({\n  Version = "2012-10-17"\n  Statement = [{\n    Effect   = "Allow"\n    Action   = ["s3:GetObject"]\n    Resource = "${aws_s3_bucket.data.arn}/*"\n  }]\n})',
    },
    cwe: ["CWE-269", "CWE-250"],
    capec: ["CAPEC-122"],
    attack: ["T1078.004", "T1098"],
    test: (node, ctx) =>
      statementHits(
        ctx,
        node,
        "TL-AWS-IAM-001",
        (s) => isFullAdmin(s) && `A statement of ${node.id} allows every action on every resource.`,
      ),
  }),
  awsRule({
    id: "TL-AWS-IAM-002",
    title: "IAM policy grants every action of a service",
    category: "ElevationOfPrivilege",
    likelihood: 3,
    impact: 4,
    kinds: POLICY_HOLDERS,
    description:
      "A policy of {resource} uses a service-wide wildcard action (such as s3:* or iam:*), granting far more than any workload needs.",
    remediation: "List the specific actions instead of service:*.",
    fix: {
      cloudformation: "Action:\n  - s3:GetObject\n  - s3:PutObject",
      terraform: 'Action = ["s3:GetObject", "s3:PutObject"]',
    },
    cwe: ["CWE-269"],
    attack: ["T1078.004"],
    test: (node, ctx) =>
      statementHits(ctx, node, "TL-AWS-IAM-002", (s) => {
        // iam:* on every resource is privilege escalation, reported as such by TL-AWS-IAM-009.
        const wild = wildcardActions(s).filter((a) => a !== "*" && !(a.toLowerCase() === "iam:*" && anyResource(s)));
        return !isFullAdmin(s) && wild.length > 0 && `A statement of ${node.id} allows ${wild.join(", ")}.`;
      }),
  }),
  awsRule({
    id: "TL-AWS-IAM-003",
    title: "IAM policy allows write actions on every resource",
    category: "ElevationOfPrivilege",
    likelihood: 2,
    impact: 4,
    kinds: POLICY_HOLDERS,
    description:
      'A policy of {resource} allows write or management actions on Resource "*" instead of the resources the workload owns.',
    remediation: "Scope Resource to the ARNs the workload writes to.",
    fix: {
      cloudformation: "Resource:\n  - !GetAtt Queue.Arn",
      terraform: "Resource = [aws_sqs_queue.jobs.arn]",
    },
    cwe: ["CWE-269", "CWE-732"],
    attack: ["T1078.004"],
    test: (node, ctx) =>
      statementHits(ctx, node, "TL-AWS-IAM-003", (s) => {
        const writes = writeOnAnyResource(s).filter((a) => !/:\*$/.test(a));
        return (
          writes.length > 0 &&
          `A statement of ${node.id} allows ${writes.slice(0, 5).join(", ")}${writes.length > 5 ? " …" : ""} on every resource.`
        );
      }),
  }),
  awsRule({
    id: "TL-AWS-IAM-004",
    title: "AdministratorAccess is attached to an identity",
    category: "ElevationOfPrivilege",
    likelihood: 3,
    impact: 5,
    kinds: IDENTITIES,
    description:
      "{resource} has the AWS managed AdministratorAccess policy: its credentials control the whole account.",
    remediation:
      "Replace AdministratorAccess with a policy scoped to the job; keep administrator access for break-glass roles behind MFA.",
    fix: {
      cloudformation:
        "ManagedPolicyArns:\n  - arn:aws:iam::aws:policy/ReadOnlyAccess # or a customer managed policy scoped to the job",
      terraform:
        'resource "aws_iam_role_policy_attachment" "this" {\n  role       = aws_iam_role.this.name\n  policy_arn = aws_iam_policy.scoped.arn\n}',
    },
    cwe: ["CWE-269", "CWE-250"],
    attack: ["T1078.004"],
    test: (node, ctx) =>
      managed(node).some((a) => managedPolicyName(a) === "AdministratorAccess") && {
        paths: [at(node, "managedPolicyArns")],
        related: attachments(ctx, node).filter((a) => String(a.attrs.policyArn).endsWith("/AdministratorAccess")),
      },
  }),
  awsRule({
    id: "TL-AWS-IAM-005",
    title: "Policies are attached directly to an IAM user",
    category: "ElevationOfPrivilege",
    // Hygiene (CIS: permissions through groups): low, as docs/severity.md has it; what the policies grant is
    // judged by the policy rules.
    likelihood: 1,
    impact: 3,
    kinds: ["aws.iam.user"],
    description:
      "IAM user {resource} has inline or attached policies of its own; permissions managed per user drift and are hard to review.",
    remediation: "Grant permissions through groups or roles, and give users none directly.",
    fix: {
      cloudformation:
        "Developers:\n  Type: AWS::IAM::Group\n  Properties:\n    ManagedPolicyArns:\n      - !Ref DeveloperPolicy\nUser:\n  Type: AWS::IAM::User\n  Properties:\n    Groups:\n      - !Ref Developers",
      terraform:
        'resource "aws_iam_group_policy_attachment" "developers" {\n  group      = aws_iam_group.developers.name\n  policy_arn = aws_iam_policy.developer.arn\n}',
    },
    cwe: ["CWE-269"],
    test: (node, ctx) => {
      const inline = ((node.attrs.inlinePolicies as unknown[]) ?? []).length > 0;
      const direct = managed(node).length > 0 || ctx.out(node.id, "iam-policy").length > 0;
      return (
        (inline || direct) && {
          paths: [inline ? at(node, "inlinePolicies") : at(node, "managedPolicyArns")],
          related: attachments(ctx, node),
        }
      );
    },
  }),
  awsRule({
    id: "TL-AWS-IAM-006",
    title: "IAM user has long-lived access keys",
    category: "Spoofing",
    likelihood: 3,
    impact: 4,
    kinds: ["aws.iam.user"],
    description:
      "An access key is created for IAM user {resource}; long-lived keys leak through code, laptops and CI logs and work from anywhere.",
    remediation:
      "Use roles with temporary credentials (IAM Identity Center, OIDC federation for CI) instead of access keys.",
    fix: {
      cloudformation:
        "# remove AWS::IAM::AccessKey; let CI assume a role through OIDC:\nCiRole:\n  Type: AWS::IAM::Role\n  Properties:\n    AssumeRolePolicyDocument: ... # Federated: token.actions.githubusercontent.com with a sub condition",
      terraform: "# remove aws_iam_access_key; use aws_iam_openid_connect_provider and a role assumed with OIDC",
    },
    cwe: ["CWE-798", "CWE-522"],
    attack: ["T1078.004", "T1552.001"],
    test: (node, ctx) =>
      node.attrs.accessKeys === true && {
        paths: [""],
        related: ctx.in(node.id).filter((n) => n.kind === "aws.iam.access-key"),
      },
  }),
  awsRule({
    id: "TL-AWS-IAM-007",
    title: "Role trust policy lets any principal assume the role",
    category: "Spoofing",
    likelihood: 4,
    impact: 5,
    kinds: TRUST,
    description:
      'The trust policy of {resource} allows Principal "*" without a condition: any AWS account can assume the role.',
    remediation:
      "Name the accounts, roles or services that may assume the role, and add conditions (sts:ExternalId, aws:PrincipalOrgID).",
    fix: {
      cloudformation:
        "AssumeRolePolicyDocument:\n  Statement:\n    - Effect: Allow\n      Principal:\n        AWS: arn:aws:iam::111122223333:role/deployer\n      Action: sts:AssumeRole",
      terraform:
        'assume_role_policy = jsonencode({\n  Version = "2012-10-17"\n  Statement = [{\n    Effect    = "Allow"\n    Principal = { AWS = "arn:aws:iam::111122223333:role/deployer" }\n    Action    = "sts:AssumeRole"\n  }]\n})',
    },
    cwe: ["CWE-284", "CWE-287"],
    capec: ["CAPEC-21"],
    attack: ["T1078.004", "T1550"],
    test: (node) => {
      const open = trustStatements(node).filter(isPublicPrincipal);
      return open.length > 0 && { paths: open.map((s) => trustPath(node, s)) };
    },
  }),
  awsRule({
    id: "TL-AWS-IAM-008",
    title: "IAM policy allows iam:PassRole on every role",
    category: "ElevationOfPrivilege",
    likelihood: 3,
    impact: 4,
    kinds: POLICY_HOLDERS,
    description:
      'A policy of {resource} allows iam:PassRole on Resource "*": its holder can hand any role (an administrator role included) to a service it controls.',
    remediation:
      "Limit iam:PassRole to the ARNs of the roles the workload passes, with an iam:PassedToService condition.",
    fix: PASS_ROLE_FIX,
    cwe: ["CWE-269"],
    attack: ["T1098"],
    test: (node, ctx) => {
      // With a way to launch something under the passed role, it is an escalation path: TL-AWS-IAM-009.
      return statementHits(
        ctx,
        node,
        "TL-AWS-IAM-008",
        (s) =>
          !isFullAdmin(s) &&
          allows(s, "iam:PassRole") &&
          s.resources.includes("*") &&
          `A statement of ${node.id} allows iam:PassRole on every role.`,
      );
    },
  }),
  awsRule({
    id: "TL-AWS-IAM-009",
    title: "IAM policy allows privilege escalation",
    category: "ElevationOfPrivilege",
    likelihood: 3,
    impact: 5,
    kinds: POLICY_HOLDERS,
    description:
      "A policy of {resource} allows actions that let its holder grant itself more: IAM writes (create policy versions, attach policies, create access keys for others …), passing any role to something it can launch, or changing what already runs with more rights (a CloudFormation stack's service role, a Lambda function's code, commands on an instance).",
    remediation:
      "Remove these actions from workload policies, or scope them to the ARNs the workload manages (with a permissions boundary for IAM writes, iam:PassedToService for PassRole).",
    fix: {
      cloudformation:
        "# remove iam:Attach*/Put*/CreatePolicyVersion/CreateAccessKey from the statement, or:\nResource: !Sub arn:aws:iam::${AWS::AccountId}:role/app-*\nCondition:\n  StringEquals:\n    iam:PermissionsBoundary: !Ref Boundary",
      terraform:
        '# remove iam:Attach*/Put*/CreatePolicyVersion/CreateAccessKey, or scope them:\nResource  = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:role/app-*"\nCondition = { StringEquals = { "iam:PermissionsBoundary" = aws_iam_policy.boundary.arn } }',
    },
    cwe: ["CWE-269"],
    capec: ["CAPEC-233"],
    attack: ["T1098", "T1548"],
    test: (node, ctx) => {
      const all = documents(node).flatMap((d) => statements(d.document));
      const viaPassRole = passRoleEscalation(all);
      const hits = statementHits(ctx, node, "TL-AWS-IAM-009", (s, together) => {
        if (isFullAdmin(s)) return false;
        const found = escalationActions(s).filter((a) => a !== "sts:AssumeRole");
        const also = found.length > 0 ? ` It also allows ${found.slice(0, 4).join(", ")}.` : "";
        if (viaPassRole && passesAnyRole(s)) {
          return {
            detail: `A statement of ${node.id} allows iam:PassRole on any role, and ${node.id} may also ${viaPassRole.run.slice(0, 3).join(", ")}: it can run code with any role it passes.${also}`,
            related: [],
            fix: PASS_ROLE_FIX,
          };
        }
        // iam:PassRole here, the action that launches something with the role in another policy of the same identity.
        const split = passesAnyRole(s)
          ? together.flatMap((h) => {
              const found = passRoleEscalation(h.statements);
              return found ? [{ held: h, run: found.run }] : [];
            })[0]
          : undefined;
        if (split) {
          const { principal, policies } = split.held;
          const others = [principal, ...policies].filter(
            (n) =>
              n !== node &&
              documents(n).some((d) => statements(d.document).some((x) => split.run.some((a) => grantsAny(x, [a])))),
          );
          const holder = principal === node ? node.id : `${principal.id}, which holds it,`;
          return {
            detail: `A statement of ${node.id} allows iam:PassRole on any role, and ${holder} may also ${split.run.slice(0, 3).join(", ")} through ${others.map((n) => (n === principal ? "its inline policies" : n.id)).join(", ") || "its other policies"}: it can run code with any role it passes.${also}`,
            related: [...new Set(principal === node ? others : [principal, ...others])],
            fix: PASS_ROLE_FIX,
          };
        }
        if (found.length === 0) return false;
        const detail = `A statement of ${node.id} allows ${found.slice(0, 4).join(", ")}${found.length > 4 ? " …" : ""} on every resource.`;
        const fix = escalationFix(found, s);
        return fix ? { detail, related: [], fix } : detail;
      });
      return hits;
    },
  }),
  awsRule({
    id: "TL-AWS-IAM-010",
    title: "IAM policy allows with NotAction",
    category: "ElevationOfPrivilege",
    likelihood: 2,
    impact: 4,
    kinds: POLICY_HOLDERS,
    description:
      "A policy of {resource} uses Allow with NotAction: it grants every action except a few, including actions of services added later.",
    remediation: "Allow a list of actions instead; use NotAction only in Deny statements.",
    fix: {
      cloudformation: "Effect: Allow\nAction:\n  - dynamodb:GetItem\n  - dynamodb:Query",
      terraform: 'Effect = "Allow"\nAction = ["dynamodb:GetItem", "dynamodb:Query"]',
    },
    cwe: ["CWE-269"],
    test: (node, ctx) =>
      statementHits(
        ctx,
        node,
        "TL-AWS-IAM-010",
        (s) =>
          isAllow(s) &&
          s.notActions.length > 0 &&
          `A statement of ${node.id} allows everything but ${s.notActions.join(", ")}.`,
      ),
  }),
  awsRule({
    id: "TL-AWS-IAM-011",
    title: "IAM policy allows with NotResource",
    category: "ElevationOfPrivilege",
    likelihood: 2,
    impact: 4,
    kinds: POLICY_HOLDERS,
    description:
      "A policy of {resource} uses Allow with NotResource: it grants the actions on every resource but a few, including resources created later.",
    remediation: "List the resources the statement applies to instead.",
    fix: {
      cloudformation: "Effect: Allow\nResource:\n  - !GetAtt Table.Arn",
      terraform: 'Effect   = "Allow"\nResource = [aws_dynamodb_table.orders.arn]',
    },
    cwe: ["CWE-269"],
    test: (node, ctx) =>
      statementHits(
        ctx,
        node,
        "TL-AWS-IAM-011",
        (s) =>
          isAllow(s) &&
          s.notResources.length > 0 &&
          `A statement of ${node.id} allows its actions on every resource but ${s.notResources.length} listed.`,
      ),
  }),
  awsRule({
    id: "TL-AWS-IAM-012",
    title: "Cross-account trust without an external ID",
    category: "Spoofing",
    likelihood: 2,
    impact: 4,
    kinds: TRUST,
    description:
      "The trust policy of {resource} lets another account assume the role with no sts:ExternalId or organization condition (the confused deputy problem).",
    remediation: "Require sts:ExternalId for third parties, or aws:PrincipalOrgID for accounts of your organization.",
    fix: {
      cloudformation: "Condition:\n  StringEquals:\n    sts:ExternalId: !Ref ExternalId",
      terraform: 'Condition = { StringEquals = { "sts:ExternalId" = var.external_id } }',
    },
    cwe: ["CWE-441", "CWE-284"],
    capec: ["CAPEC-21"],
    attack: ["T1199"],
    test: (node) => {
      const risky = trustStatements(node).filter(
        (s) =>
          s.principals.some((p) => /^(arn:aws[\w-]*:iam::\d{12}:root|\d{12})$/.test(p)) &&
          !s.conditionKeys.some(
            (k) =>
              k === "sts:externalid" ||
              k === "aws:principalorgid" ||
              k === "aws:principalarn" ||
              k === "aws:multifactorauthpresent" ||
              k === "unresolved",
          ),
      );
      return risky.length > 0 && { paths: risky.map((s) => trustPath(node, s)) };
    },
  }),
  awsRule({
    id: "TL-AWS-IAM-013",
    title: "OIDC trust without a subject condition",
    category: "Spoofing",
    likelihood: 3,
    impact: 5,
    kinds: TRUST,
    description:
      "The trust policy of {resource} lets a web identity provider (GitHub Actions, GitLab, EKS …) assume the role without restricting the token's subject: any repository or workload of that provider can.",
    remediation:
      "Add a StringEquals or StringLike condition on the provider's :sub claim (for GitHub: repo:org/repo:ref:refs/heads/main) and on :aud.",
    fix: {
      cloudformation:
        "Condition:\n  StringEquals:\n    token.actions.githubusercontent.com:aud: sts.amazonaws.com\n  StringLike:\n    token.actions.githubusercontent.com:sub: repo:my-org/my-repo:ref:refs/heads/main",
      terraform:
        'Condition = {\n  StringEquals = { "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com" }\n  StringLike   = { "token.actions.githubusercontent.com:sub" = "repo:my-org/my-repo:ref:refs/heads/main" }\n}',
    },
    cwe: ["CWE-287", "CWE-284"],
    attack: ["T1078.004"],
    test: (node) => {
      const risky = trustStatements(node).filter(
        (s) =>
          s.federated.some((f) => !/cognito-identity|accounts\.google|graph\.facebook|amazon\.com$/.test(f)) &&
          !s.conditionKeys.some((k) => k.endsWith(":sub") || k === "unresolved"),
      );
      return risky.length > 0 && { paths: risky.map((s) => trustPath(node, s)) };
    },
  }),
  awsRule({
    id: "TL-AWS-IAM-014",
    title: "IAM user can sign in to the console",
    category: "Spoofing",
    likelihood: 2,
    impact: 3,
    kinds: ["aws.iam.user"],
    description:
      "IAM user {resource} has a console password; IAM user passwords are phishable and MFA is not enforced by the template.",
    remediation: "Use IAM Identity Center (SSO) for people; if an IAM user must sign in, enforce MFA with a policy.",
    fix: {
      cloudformation: "# remove LoginProfile; grant console access through IAM Identity Center permission sets",
      terraform: "# remove aws_iam_user_login_profile; use aws_ssoadmin_permission_set",
    },
    cwe: ["CWE-308"],
    attack: ["T1078.004"],
    test: (node, ctx) =>
      node.attrs.consoleAccess === true && {
        paths: [at(node, "consoleAccess")],
        related: ctx.in(node.id).filter((n) => n.kind === "aws.iam.login-profile"),
      },
  }),
  awsRule({
    id: "TL-AWS-IAM-015",
    title: "Broad AWS managed policy attached (PowerUser, IAMFullAccess, *FullAccess)",
    category: "ElevationOfPrivilege",
    likelihood: 3,
    impact: 4,
    kinds: IDENTITIES,
    description: "{resource} has an AWS managed policy granting full access to a service or to most of the account.",
    remediation:
      "Replace FullAccess managed policies with customer managed policies scoped to the resources the identity uses.",
    fix: {
      cloudformation: "ManagedPolicyArns:\n  - !Ref ScopedPolicy # instead of arn:aws:iam::aws:policy/PowerUserAccess",
      terraform: "policy_arn = aws_iam_policy.scoped.arn # instead of arn:aws:iam::aws:policy/PowerUserAccess",
    },
    cwe: ["CWE-269"],
    attack: ["T1078.004"],
    test: (node, ctx) => {
      const broad = managed(node)
        .map(managedPolicyName)
        .filter((n) => BROAD_MANAGED_POLICIES.includes(n) || /FullAccess$/.test(n));
      return (
        broad.length > 0 && {
          paths: [at(node, "managedPolicyArns")],
          detail: `${node.id} has ${broad.join(", ")}.`,
          related: attachments(ctx, node),
        }
      );
    },
  }),
  awsRule({
    id: "TL-AWS-IAM-016",
    title: "Account password policy is weak",
    category: "Spoofing",
    likelihood: 2,
    impact: 3,
    kinds: ["aws.iam.password-policy"],
    description:
      "Password policy {resource} accepts passwords a guessing attack breaks easily (short, single character class, or reusable).",
    remediation:
      "Require at least 14 characters of all four character classes and prevent reuse of the last 24 passwords.",
    fix: {
      cloudformation: "# No CloudFormation resource: set it with the IAM console, the CLI or Terraform.",
      terraform:
        "minimum_password_length        = 14\nrequire_lowercase_characters   = true\nrequire_uppercase_characters   = true\nrequire_numbers                = true\nrequire_symbols                = true\npassword_reuse_prevention      = 24",
    },
    cwe: ["CWE-521"],
    attack: ["T1110"],
    exposedBoost: 0,
    test: (node) => {
      const a = node.attrs;
      const weak: string[] = [];
      if (typeof a.minLength === "number" && a.minLength < 14) weak.push(`minimum length ${a.minLength}`);
      const classes = ["lowercase", "uppercase", "numbers", "symbols"].filter((c) => a[c] === false);
      if (classes.length > 0) weak.push(`no ${classes.join("/")} required`);
      if (typeof a.reuse === "number" && a.reuse < 24)
        weak.push(a.reuse === 0 ? "reuse allowed" : `reuse prevention ${a.reuse}`);
      return (
        weak.length > 0 && {
          paths: [at(node, "minLength")],
          detail: `Password policy ${node.id}: ${weak.join(", ")}.`,
        }
      );
    },
  }),
];
