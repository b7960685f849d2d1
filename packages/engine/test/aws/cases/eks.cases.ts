import { cfn, tf } from "../harness.ts";
import type { RuleCase } from "../../rule-cases.ts";

const eksCfn = (props: string) =>
  cfn(`
  Cluster:
    Type: AWS::EKS::Cluster
    Properties:
      RoleArn: arn:aws:iam::111122223333:role/eks
${props
  .split("\n")
  .map((l) => `      ${l}`)
  .join("\n")}
`);

const goodEksCfn = eksCfn(
  "ResourcesVpcConfig: { SubnetIds: [subnet-1], EndpointPublicAccess: false, EndpointPrivateAccess: true }\nLogging: { ClusterLogging: { EnabledTypes: [{ Type: api }, { Type: audit }, { Type: authenticator }] } }\nEncryptionConfig:\n  - Resources: [secrets]\n    Provider: { KeyArn: arn:aws:kms:x }",
);

const eksTf = (body: string) =>
  tf(`resource "aws_eks_cluster" "c" {\n  name = "c"\n  role_arn = "arn:aws:iam::111122223333:role/eks"\n${body}\n}`);

const goodEksTf = eksTf(
  '  vpc_config {\n    subnet_ids = ["subnet-1"]\n    endpoint_public_access = false\n  }\n  enabled_cluster_log_types = ["api", "audit", "authenticator"]\n  encryption_config {\n    resources = ["secrets"]\n    provider {\n      key_arn = "arn:aws:kms:x"\n    }\n  }',
);

export const EKS_CASES: RuleCase[] = [
  {
    rule: "TL-AWS-EKS-001",
    cfn: {
      pos: [eksCfn("ResourcesVpcConfig: { SubnetIds: [subnet-1] }")],
      neg: [goodEksCfn, eksCfn("ResourcesVpcConfig: { SubnetIds: [subnet-1], PublicAccessCidrs: [203.0.113.0/24] }")],
    },
    tf: { pos: [eksTf('  vpc_config {\n    subnet_ids = ["subnet-1"]\n  }')], neg: [goodEksTf] },
  },
  {
    rule: "TL-AWS-EKS-002",
    cfn: {
      pos: [
        eksCfn(
          "ResourcesVpcConfig: { SubnetIds: [subnet-1] }\nLogging: { ClusterLogging: { EnabledTypes: [{ Type: api }] } }",
        ),
      ],
      neg: [goodEksCfn],
    },
    tf: { pos: [eksTf('  vpc_config {\n    subnet_ids = ["subnet-1"]\n  }')], neg: [goodEksTf] },
  },
  {
    rule: "TL-AWS-EKS-003",
    cfn: { pos: [eksCfn("ResourcesVpcConfig: { SubnetIds: [subnet-1] }")], neg: [goodEksCfn] },
    tf: { pos: [eksTf('  vpc_config {\n    subnet_ids = ["subnet-1"]\n  }')], neg: [goodEksTf] },
  },
];
