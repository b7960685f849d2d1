import type { RuleCase } from "../../rule-cases.ts";
import { res, one } from "./fixtures.ts";

const goodCacheCfn = one(
  "AWS::ElastiCache::ReplicationGroup",
  "ReplicationGroupDescription: c\nEngine: redis\nTransitEncryptionEnabled: true\nAtRestEncryptionEnabled: true\nAuthToken: '{{resolve:secretsmanager:cache}}'\nAutomaticFailoverEnabled: true\nSnapshotRetentionLimit: 7",
  "Cache",
);

const badCacheCfn = one("AWS::ElastiCache::ReplicationGroup", "ReplicationGroupDescription: c\nEngine: redis", "Cache");

const goodCacheTf = res(
  "aws_elasticache_replication_group",
  'description = "c"\ntransit_encryption_enabled = true\nat_rest_encryption_enabled = true\nauth_token = var.token\nautomatic_failover_enabled = true\nsnapshot_retention_limit = 7',
);

const badCacheTf = res("aws_elasticache_replication_group", 'description = "c"');

export const EC_CASES: RuleCase[] = [
  {
    rule: "TL-AWS-EC-001",
    cfn: {
      pos: [badCacheCfn, one("AWS::ElastiCache::CacheCluster", "Engine: memcached\nNumCacheNodes: 1")],
      neg: [goodCacheCfn],
    },
    tf: { pos: [badCacheTf], neg: [goodCacheTf] },
  },
  {
    rule: "TL-AWS-EC-002",
    cfn: { pos: [badCacheCfn], neg: [goodCacheCfn] },
    tf: { pos: [badCacheTf], neg: [goodCacheTf] },
  },
  {
    rule: "TL-AWS-EC-003",
    cfn: {
      pos: [badCacheCfn],
      neg: [
        goodCacheCfn,
        one(
          "AWS::ElastiCache::ReplicationGroup",
          "ReplicationGroupDescription: c\nEngine: redis\nUserGroupIds: [app-users]",
        ),
      ],
    },
    tf: { pos: [badCacheTf], neg: [goodCacheTf] },
  },
  {
    rule: "TL-AWS-EC-004",
    cfn: { pos: [badCacheCfn], neg: [goodCacheCfn] },
    tf: { pos: [badCacheTf], neg: [goodCacheTf] },
  },
  {
    rule: "TL-AWS-EC-005",
    cfn: {
      pos: [badCacheCfn, one("AWS::ElastiCache::CacheCluster", "Engine: redis\nNumCacheNodes: 1")],
      neg: [goodCacheCfn, one("AWS::ElastiCache::CacheCluster", "Engine: memcached\nNumCacheNodes: 1")],
    },
    tf: { pos: [badCacheTf], neg: [goodCacheTf] },
  },
];
