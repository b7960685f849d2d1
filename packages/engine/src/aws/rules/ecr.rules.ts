import { publicPolicyHits, policyKinds } from "./resource-policy.ts";
import { at, awsRule } from "./define.ts";

// TL-AWS-ECR: ECR.

export const ECR_RULES = [
  awsRule({
    id: "TL-AWS-ECR-001",
    title: "ECR repository allows mutable image tags",
    category: "Tampering",
    likelihood: 2,
    impact: 3,
    kinds: ["aws.ecr.repository"],
    description:
      "Repository {resource} lets a pushed tag be overwritten: a deployment of `:1.2.3` may run different code than was reviewed.",
    remediation: "Make tags immutable and deploy by digest.",
    fix: {
      cloudformation: "Properties:\n  ImageTagMutability: IMMUTABLE",
      terraform: 'image_tag_mutability = "IMMUTABLE"',
    },
    cwe: ["CWE-494"],
    attack: ["T1525"],
    test: (node) => node.attrs.mutable === true && { paths: [at(node, "mutable")] },
  }),
  awsRule({
    id: "TL-AWS-ECR-002",
    title: "ECR image scanning on push is disabled",
    category: "Tampering",
    likelihood: 2,
    impact: 3,
    kinds: ["aws.ecr.repository"],
    description: "Images pushed to {resource} are not scanned for known vulnerabilities.",
    remediation: "Enable scan on push (or enhanced scanning with Inspector).",
    fix: {
      cloudformation: "Properties:\n  ImageScanningConfiguration:\n    ScanOnPush: true",
      terraform: "image_scanning_configuration {\n  scan_on_push = true\n}",
    },
    cwe: ["CWE-1104"],
    attack: ["T1525"],
    test: (node) => node.attrs.scanOnPush === false && { paths: [at(node, "scanOnPush")] },
  }),
  awsRule({
    id: "TL-AWS-ECR-003",
    title: "ECR repository policy allows anyone",
    category: "InformationDisclosure",
    likelihood: 3,
    impact: 4,
    kinds: policyKinds("aws.ecr.repository"),
    description:
      'The policy of repository {resource} allows Principal "*": anyone can pull (and with write actions, push) images.',
    remediation: "Grant pull to named accounts or your organization (aws:PrincipalOrgID).",
    fix: {
      cloudformation:
        "RepositoryPolicyText:\n  Statement:\n    - Effect: Allow\n      Principal:\n        AWS: arn:aws:iam::111122223333:root\n      Action:\n        - ecr:BatchGetImage\n        - ecr:GetDownloadUrlForLayer",
      terraform:
        'statement {\n  actions = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]\n  principals {\n    type        = "AWS"\n    identifiers = ["arn:aws:iam::111122223333:root"]\n  }\n}',
    },
    cwe: ["CWE-732"],
    attack: ["T1525", "T1530"],
    test: (node, ctx) => publicPolicyHits(ctx, node, "aws.ecr.repository"),
  }),
  awsRule({
    id: "TL-AWS-ECR-004",
    title: "ECR repository is not encrypted with KMS",
    category: "InformationDisclosure",
    likelihood: 1,
    impact: 2,
    kinds: ["aws.ecr.repository"],
    description: "Repository {resource} uses AES-256 with AWS-owned keys rather than a KMS key under your control.",
    remediation: "Use KMS encryption for repositories holding proprietary images.",
    fix: {
      cloudformation: "Properties:\n  EncryptionConfiguration:\n    EncryptionType: KMS\n    KmsKey: !Ref ImagesKey",
      terraform: 'encryption_configuration {\n  encryption_type = "KMS"\n  kms_key         = aws_kms_key.images.arn\n}',
    },
    cwe: ["CWE-311"],
    exposedBoost: 0,
    test: (node) => node.attrs.kms === false && { paths: [at(node, "kms")] },
  }),
];
