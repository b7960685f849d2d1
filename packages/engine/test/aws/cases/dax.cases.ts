import type { RuleCase } from "../../rule-cases.ts";
import { res, one } from "./fixtures.ts";

const daxGoodCfn = one(
  "AWS::DAX::Cluster",
  "NodeType: dax.r5.large\nReplicationFactor: 3\nIAMRoleARN: arn:aws:iam::111122223333:role/dax\nSSESpecification: { SSEEnabled: true }\nClusterEndpointEncryptionType: TLS",
);

const daxBadCfn = one(
  "AWS::DAX::Cluster",
  "NodeType: dax.r5.large\nReplicationFactor: 3\nIAMRoleARN: arn:aws:iam::111122223333:role/dax",
);

const daxGoodTf = res(
  "aws_dax_cluster",
  'cluster_name = "cache"\nnode_type = "dax.r5.large"\nreplication_factor = 3\niam_role_arn = aws_iam_role.dax.arn\nserver_side_encryption {\n  enabled = true\n}\ncluster_endpoint_encryption_type = "TLS"',
);

const daxBadTf = res(
  "aws_dax_cluster",
  'cluster_name = "cache"\nnode_type = "dax.r5.large"\nreplication_factor = 3\niam_role_arn = aws_iam_role.dax.arn',
);

export const DAX_CASES: RuleCase[] = [
  {
    rule: "TL-AWS-DAX-001",
    cfn: { pos: [daxBadCfn], neg: [daxGoodCfn] },
    tf: { pos: [daxBadTf], neg: [daxGoodTf] },
  },
  {
    rule: "TL-AWS-DAX-002",
    cfn: {
      pos: [
        daxBadCfn,
        one(
          "AWS::DAX::Cluster",
          "NodeType: dax.r5.large\nReplicationFactor: 1\nIAMRoleARN: r\nClusterEndpointEncryptionType: NONE",
        ),
      ],
      neg: [daxGoodCfn],
    },
    tf: { pos: [daxBadTf], neg: [daxGoodTf] },
  },
];
