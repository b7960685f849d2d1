import type { Weakness } from "./score.ts";
import { OPENAPI_WEAKNESSES } from "./weaknesses-openapi.ts";

/**
 * The weaknesses the corpus is labelled with. `rules` lists the builtin rules that are really about the
 * weakness (a strict match); an engine change that adds a rule for a weakness adds its id here, in the same
 * commit. An empty list means no builtin rule is about it yet: its expectations can only be found leniently.
 * One STRIDE letter per weakness, the one a reviewer would file it under.
 */
const SECRET_RULES = [
  "TL-SECRET-001",
  "TL-SECRET-002",
  "TL-SECRET-003",
  "TL-SECRET-004",
  "TL-SECRET-005",
  "TL-SECRET-006",
  "TL-SECRET-007",
  "TL-AWS-RDS-010",
  "TL-AWS-SM-003",
  "TL-AWS-EC2-004",
  "TL-AWS-LAMBDA-004",
  "TL-AWS-ECS-002",
  "TL-K8S-POD-008",
];
const SG_V6 = "TL-AWS-SG-008";

export const WEAKNESSES: Record<string, Weakness> = {
  // Secrets
  "secret-hardcoded": {
    title: "Credential, key or password written in the file (or as a parameter/variable default)",
    stride: "I",
    rules: SECRET_RULES,
  },

  // S3
  "s3-public-read": {
    title: "Anyone (or any AWS account) can read or list the bucket",
    stride: "I",
    rules: ["TL-AWS-S3-001", "TL-AWS-S3-003"],
  },
  "s3-public-write": {
    title: "Anyone (or any AWS account) can write, delete or change the ACL/policy of the bucket",
    stride: "T",
    rules: ["TL-AWS-S3-002", "TL-AWS-S3-004"],
  },
  "s3-public-access-block": {
    title: "Public access block missing or with a flag off on a bucket that should not be public",
    stride: "I",
    rules: ["TL-AWS-S3-005"],
  },
  "s3-unencrypted": { title: "Bucket without default encryption", stride: "I", rules: ["TL-AWS-S3-006"] },
  "s3-no-tls": { title: "Bucket policy does not deny plain HTTP", stride: "I", rules: ["TL-AWS-S3-010"] },
  "s3-website": { title: "Bucket serves a public static website", stride: "I", rules: ["TL-AWS-S3-011"] },

  // Network
  "sg-ssh-open": {
    title: "SSH (22) open to the internet",
    stride: "S",
    rules: ["TL-AWS-SG-001", "TL-AWS-SG-005", SG_V6],
  },
  "sg-rdp-open": {
    title: "RDP (3389) open to the internet",
    stride: "S",
    rules: ["TL-AWS-SG-002", "TL-AWS-SG-005", SG_V6],
  },
  "sg-admin-port-open": {
    title: "Another remote administration or plaintext port (Telnet, FTP, WinRM, VNC, SMB...) open to the internet",
    stride: "S",
    rules: ["TL-AWS-SG-005", "TL-AWS-SG-001", "TL-AWS-SG-002", SG_V6],
  },
  "sg-db-port-open": {
    title: "A database or cache port open to the internet",
    stride: "I",
    rules: ["TL-AWS-SG-003", SG_V6],
  },
  "sg-all-traffic-open": {
    title: "All ports/protocols open to the internet",
    stride: "E",
    rules: ["TL-AWS-SG-004", "TL-AWS-SG-006", SG_V6],
  },
  "sg-port-open-internet": {
    title: "A non-web service port or port range open to the internet",
    stride: "I",
    rules: ["TL-AWS-SG-006", "TL-AWS-SG-004", "TL-AWS-SG-003", "TL-AWS-SG-005", SG_V6],
  },
  "sg-wide-cidr": {
    title: "Ingress from a very wide range that is not 0.0.0.0/0 (a /8, a whole private range)",
    stride: "I",
    rules: [
      "TL-AWS-SG-001",
      "TL-AWS-SG-002",
      "TL-AWS-SG-003",
      "TL-AWS-SG-004",
      "TL-AWS-SG-005",
      "TL-AWS-SG-006",
      SG_V6,
    ],
  },
  "default-sg-open": {
    title: "The VPC's default security group allows traffic",
    stride: "I",
    rules: ["TL-AWS-VPC-002", "TL-AWS-SG-004", SG_V6],
  },
  "nacl-open": {
    title: "Network ACL entry allows admin ports or all traffic from the internet",
    stride: "S",
    rules: ["TL-AWS-VPC-003"],
  },
  "public-ip": {
    title: "Instance, launch template or subnet gives public IP addresses",
    stride: "I",
    rules: ["TL-AWS-EC2-002", "TL-AWS-VPC-004", "TL-AWS-ECS-006"],
  },

  // Compute
  "ec2-imdsv1": { title: "Instance metadata allows IMDSv1", stride: "E", rules: ["TL-AWS-EC2-001"] },
  "ebs-unencrypted": {
    title: "EBS volume, launch configuration/template block device not encrypted",
    stride: "I",
    rules: ["TL-AWS-EC2-003", "TL-AWS-EC2-008"],
  },
  "userdata-plain-http": {
    title: "User data downloads and runs code over plain HTTP",
    stride: "T",
    rules: ["TL-AWS-EC2-005"],
  },
  "lambda-public-invoke": {
    title: "Lambda permission lets anyone (or any account) invoke the function",
    stride: "E",
    rules: ["TL-AWS-LAMBDA-006"],
  },
  "lambda-url-no-auth": { title: "Lambda function URL with auth type NONE", stride: "S", rules: ["TL-AWS-LAMBDA-003"] },
  "lambda-deprecated-runtime": {
    title: "Lambda on a runtime AWS no longer patches",
    stride: "T",
    rules: ["TL-AWS-LAMBDA-005"],
  },
  "ecs-privileged": {
    title: "ECS/Batch container runs privileged",
    stride: "E",
    rules: ["TL-AWS-ECS-001", "TL-AWS-BATCH-001"],
  },
  "ecs-host-namespace": {
    title: "ECS task shares the host's network or PID namespace",
    stride: "E",
    rules: ["TL-AWS-ECS-005"],
  },
  "ecs-volume-unencrypted": {
    title: "ECS task EFS volume without transit encryption",
    stride: "I",
    rules: ["TL-AWS-ECS-008"],
  },
  "eks-public-endpoint": {
    title: "EKS API endpoint reachable from the whole internet",
    stride: "S",
    rules: ["TL-AWS-EKS-001"],
  },
  "eks-secrets-unencrypted": {
    title: "EKS secrets not envelope-encrypted with KMS",
    stride: "I",
    rules: ["TL-AWS-EKS-003"],
  },
  "eks-no-audit-logs": { title: "EKS control plane logging off or incomplete", stride: "R", rules: ["TL-AWS-EKS-002"] },

  // IAM
  "iam-admin": {
    title: "Policy grants every action on every resource, or AdministratorAccess is attached",
    stride: "E",
    rules: ["TL-AWS-IAM-001", "TL-AWS-IAM-004", "TL-COMBO-001", "TL-COMBO-005", "TL-COMBO-006"],
  },
  "iam-service-wildcard": {
    title: "Policy grants every action of a service (s3:*, iam:*...)",
    stride: "E",
    // The engine reports one weakness per statement, the most severe: iam:* comes back as escalation (IAM-009).
    rules: ["TL-AWS-IAM-002", "TL-AWS-IAM-001", "TL-AWS-IAM-009"],
  },
  "iam-broad-managed-policy": {
    title: "Broad AWS managed policy (PowerUser, IAMFullAccess, *FullAccess) attached",
    stride: "E",
    rules: ["TL-AWS-IAM-015", "TL-AWS-IAM-004"],
  },
  "iam-privesc": {
    title: "Policy enables privilege escalation (PassRole+create, policy version/attachment, credential creation...)",
    stride: "E",
    rules: ["TL-AWS-IAM-009", "TL-AWS-IAM-008", "TL-AWS-IAM-001", "TL-AWS-IAM-002"],
  },
  "iam-passrole-any": {
    title: "iam:PassRole on every role",
    stride: "E",
    rules: ["TL-AWS-IAM-008", "TL-AWS-IAM-009"],
  },
  "iam-write-all-resources": {
    title: "Write actions on Resource '*'",
    stride: "E",
    rules: ["TL-AWS-IAM-003"],
  },
  // A NotAction grant that leaves iam:Put*/PassRole in comes back as the statement's escalation (IAM-009).
  "iam-notaction": { title: "Allow with NotAction", stride: "E", rules: ["TL-AWS-IAM-010", "TL-AWS-IAM-009"] },
  "iam-notresource": { title: "Allow with NotResource", stride: "E", rules: ["TL-AWS-IAM-011"] },
  "iam-trust-any": {
    title: "Role trust policy lets any principal assume the role",
    stride: "S",
    rules: ["TL-AWS-IAM-007"],
  },
  "iam-trust-cross-account": {
    title: "Cross-account trust without an external id or MFA condition",
    stride: "S",
    rules: ["TL-AWS-IAM-012"],
  },
  "iam-oidc-trust-no-sub": {
    title: "OIDC (GitHub Actions...) trust without a subject condition",
    stride: "S",
    rules: ["TL-AWS-IAM-013"],
  },
  "iam-user-access-keys": {
    title: "IAM user with long-lived access keys created by the template",
    stride: "S",
    rules: ["TL-AWS-IAM-006", "TL-COMBO-006"],
  },

  // Resource policies
  "sqs-policy-public": { title: "Queue policy allows anyone", stride: "I", rules: ["TL-AWS-SQS-002"] },
  "sns-policy-public": { title: "Topic policy allows anyone", stride: "T", rules: ["TL-AWS-SNS-002"] },
  "kms-policy-public": { title: "Key policy allows any principal", stride: "I", rules: ["TL-AWS-KMS-002"] },
  "ecr-policy-public": { title: "Repository policy allows anyone", stride: "I", rules: ["TL-AWS-ECR-003"] },
  "secret-policy-public": {
    title: "Secrets Manager resource policy allows anyone",
    stride: "I",
    rules: ["TL-AWS-SM-004"],
  },
  "opensearch-policy-public": {
    title: "OpenSearch/Elasticsearch access policy allows anyone",
    stride: "I",
    rules: ["TL-AWS-OS-002"],
  },
  "kms-no-rotation": { title: "Customer-managed key rotation disabled", stride: "I", rules: ["TL-AWS-KMS-001"] },

  // Data stores
  "db-public": {
    title: "Database (RDS, Aurora, Neptune, DocumentDB, Redshift, DMS) publicly accessible",
    stride: "I",
    rules: ["TL-AWS-RDS-001", "TL-AWS-REDSHIFT-001", "TL-COMBO-003"],
  },
  "db-unencrypted": {
    title: "Database storage not encrypted (RDS, Aurora, Neptune, DocumentDB, Redshift)",
    stride: "I",
    rules: ["TL-AWS-RDS-002", "TL-AWS-REDSHIFT-002"],
  },
  "db-no-iam-auth": {
    title: "Database IAM authentication disabled where the engine supports it (Neptune, RDS)",
    stride: "S",
    rules: ["TL-AWS-RDS-007"],
  },
  "db-no-backups": { title: "Automated backups disabled", stride: "D", rules: ["TL-AWS-RDS-003", "TL-AWS-RDS-004"] },
  "efs-unencrypted": { title: "EFS file system not encrypted", stride: "I", rules: ["TL-AWS-EFS-001"] },
  "elasticache-transit-unencrypted": {
    title: "ElastiCache in-transit encryption disabled",
    stride: "I",
    rules: ["TL-AWS-EC-001"],
  },
  "elasticache-rest-unencrypted": {
    title: "ElastiCache at-rest encryption disabled",
    stride: "I",
    rules: ["TL-AWS-EC-002"],
  },
  "redis-no-auth": { title: "Redis replication group without AUTH", stride: "S", rules: ["TL-AWS-EC-003"] },
  "msk-unencrypted": {
    title: "MSK cluster without encryption in transit (plaintext client/broker traffic) or at rest",
    stride: "I",
    rules: ["TL-AWS-MSK-001"],
  },
  "msk-public": { title: "MSK brokers publicly accessible", stride: "I", rules: ["TL-AWS-MSK-002"] },
  "mq-public": { title: "Amazon MQ broker publicly accessible", stride: "I", rules: ["TL-AWS-MQ-001"] },
  "dax-unencrypted": { title: "DAX cluster without server-side encryption", stride: "I", rules: ["TL-AWS-DAX-001"] },
  "kinesis-unencrypted": { title: "Kinesis stream not encrypted", stride: "I", rules: ["TL-AWS-KINESIS-001"] },
  "sns-unencrypted": { title: "SNS topic not encrypted", stride: "I", rules: ["TL-AWS-SNS-001"] },
  "sqs-unencrypted": { title: "SQS queue with SSE explicitly disabled", stride: "I", rules: ["TL-AWS-SQS-001"] },
  "athena-unencrypted": {
    title: "Athena workgroup/database results not encrypted",
    stride: "I",
    rules: ["TL-AWS-ATHENA-001"],
  },
  "workspaces-unencrypted": {
    title: "WorkSpaces volumes not encrypted",
    stride: "I",
    rules: ["TL-AWS-WORKSPACES-001"],
  },
  "sagemaker-unencrypted": {
    title: "SageMaker notebook/endpoint storage not encrypted with KMS",
    stride: "I",
    rules: [],
  },
  "emr-unencrypted": {
    title: "EMR cluster without a security configuration (no at-rest or in-transit encryption)",
    stride: "I",
    rules: ["TL-AWS-EMR-001", "TL-AWS-EMR-002", "TL-AWS-EMR-003"],
  },
  "sagemaker-direct-internet": {
    title: "SageMaker notebook with direct internet access (outside the VPC's controls)",
    stride: "I",
    rules: ["TL-AWS-SAGEMAKER-001"],
  },
  "snapshot-public-or-unencrypted": {
    title: "Database or EBS snapshot public or unencrypted",
    stride: "I",
    rules: [],
  },
  "opensearch-public": {
    title: "OpenSearch domain with a public endpoint",
    stride: "I",
    rules: ["TL-AWS-OS-001", "TL-AWS-OS-002"],
  },
  "opensearch-unencrypted": {
    title: "OpenSearch encryption at rest or node-to-node disabled",
    stride: "I",
    rules: ["TL-AWS-OS-003", "TL-AWS-OS-004"],
  },
  "opensearch-no-https": {
    title: "OpenSearch does not enforce HTTPS / a current TLS policy",
    stride: "I",
    rules: ["TL-AWS-OS-005"],
  },
  "opensearch-no-fgac": { title: "OpenSearch fine-grained access control off", stride: "E", rules: ["TL-AWS-OS-006"] },

  // Edge
  "apigw-no-auth": {
    title: "API Gateway method/route with no authorization on a non-public operation",
    stride: "S",
    rules: ["TL-AWS-API-001"],
  },
  "apigw-cache-unencrypted": { title: "API Gateway cache not encrypted", stride: "I", rules: ["TL-AWS-API-005"] },
  "apigw-old-tls": { title: "API custom domain allows TLS 1.0", stride: "I", rules: ["TL-AWS-API-007"] },
  "cloudfront-http": {
    title: "CloudFront viewers may use plain HTTP",
    stride: "I",
    rules: ["TL-AWS-CF-001"],
  },
  "cloudfront-old-tls": {
    title: "CloudFront viewer or origin TLS below 1.2 / SSLv3",
    stride: "I",
    rules: ["TL-AWS-CF-002", "TL-AWS-CF-006"],
  },
  "cloudfront-origin-http": {
    title: "CloudFront talks to its origin over HTTP",
    stride: "I",
    rules: ["TL-AWS-CF-005"],
  },
  "elb-http-listener": {
    title: "Load balancer listener in plain HTTP (not redirecting) or plaintext TCP",
    stride: "I",
    rules: ["TL-AWS-ELB-001", "TL-AWS-ELB-006"],
  },
  "elb-weak-tls": {
    title: "Load balancer TLS policy allows outdated protocols or ciphers",
    stride: "I",
    rules: ["TL-AWS-ELB-002"],
  },
  "waf-allow-default": {
    title: "WAF web ACL default action allows and no rule blocks",
    stride: "T",
    rules: ["TL-AWS-WAF-001"],
  },

  // Logging
  "cloudtrail-not-multiregion": { title: "CloudTrail trail not multi-region", stride: "R", rules: ["TL-AWS-CT-002"] },
  "cloudtrail-no-validation": { title: "CloudTrail log file validation off", stride: "R", rules: ["TL-AWS-CT-003"] },
  "cloudtrail-unencrypted": { title: "CloudTrail logs not KMS-encrypted", stride: "I", rules: ["TL-AWS-CT-004"] },
  "cloudtrail-not-logging": {
    title: "CloudTrail trail created with logging off",
    stride: "R",
    rules: ["TL-AWS-CT-006"],
  },
  "cloudtrail-public-bucket": {
    title: "CloudTrail logs in a publicly readable bucket",
    stride: "T",
    rules: ["TL-AWS-CT-007", "TL-AWS-S3-001", "TL-AWS-S3-003"],
  },

  // Kubernetes
  "k8s-privileged": { title: "Privileged container", stride: "E", rules: ["TL-K8S-POD-001"] },
  "k8s-host-namespace": { title: "Pod shares host PID/IPC/network", stride: "E", rules: ["TL-K8S-POD-002"] },
  "k8s-run-as-root": { title: "Container explicitly runs as UID 0", stride: "E", rules: ["TL-K8S-POD-003"] },
  "k8s-privilege-escalation": {
    title: "allowPrivilegeEscalation explicitly true",
    stride: "E",
    rules: ["TL-K8S-POD-004"],
  },
  "k8s-dangerous-caps": { title: "SYS_ADMIN, NET_ADMIN, ALL... added", stride: "E", rules: ["TL-K8S-POD-005"] },
  "k8s-hostpath": {
    title: "hostPath volume of a sensitive host directory or the container runtime socket",
    stride: "E",
    rules: ["TL-K8S-POD-009"],
  },
  "k8s-host-port": { title: "Container binds a host port", stride: "I", rules: ["TL-K8S-POD-013"] },
  "k8s-seccomp-unconfined": { title: "Seccomp explicitly Unconfined", stride: "E", rules: ["TL-K8S-POD-014"] },
  "k8s-secret-env": { title: "Secret value as a literal env var or in a manifest", stride: "I", rules: SECRET_RULES },
  "k8s-rbac-wildcard": { title: "RBAC rule with * verbs/resources", stride: "E", rules: ["TL-K8S-RBAC-001"] },
  "k8s-rbac-cluster-admin": { title: "Binding to cluster-admin", stride: "E", rules: ["TL-K8S-RBAC-002"] },
  "k8s-rbac-secrets": { title: "Role can read Secrets", stride: "I", rules: ["TL-K8S-RBAC-003"] },
  "k8s-rbac-escalation": {
    title: "Role can escalate (bind/escalate/impersonate, create pods/exec, nodes/proxy...)",
    stride: "E",
    rules: ["TL-K8S-RBAC-004"],
  },
  "k8s-rbac-anonymous": {
    title: "Binding to system:anonymous / system:unauthenticated / all authenticated",
    stride: "S",
    rules: ["TL-K8S-RBAC-005"],
  },
  "k8s-service-exposed": {
    title: "Internal service exposed outside the cluster (NodePort/LoadBalancer)",
    stride: "I",
    rules: ["TL-K8S-NET-001"],
  },
  "k8s-ingress-no-tls": { title: "Ingress serving without TLS", stride: "I", rules: ["TL-K8S-NET-003"] },
  "k8s-no-network-policy": {
    title: "Namespace workloads with no NetworkPolicy at all",
    stride: "T",
    rules: ["TL-K8S-NET-002"],
  },

  // OpenAPI: the API engineer's taxonomy (OWASP API Security Top 10 2023), kept in weaknesses-openapi.ts.
  ...OPENAPI_WEAKNESSES,
  "api-no-auth": {
    title: "Operation that needs authentication declares none",
    stride: "S",
    rules: ["TL-API-AUTH-001", "TL-API-AUTH-002", "TL-API-DOC-001"],
  },
  "api-key-in-query": {
    title: "API key or token in the query string",
    stride: "I",
    rules: ["TL-API-AUTH-003", "TL-API-DATA-002"],
  },
  "api-data-exposure": {
    title: "Response returns secrets or sensitive fields",
    stride: "I",
    rules: ["TL-API-DATA-001"],
  },
};
