/**
 * Engine performance: parse + graph + rules for generated CloudFormation templates and Terraform modules of
 * 100 to 50,000 resources. Goal: 1,000 resources under 1 s, and linear growth (CPU per resource flat from
 * 10,000 to 50,000).
 *
 * Not a timed test: it measures and records. Run: `npx tsx bench/engine-perf.bench.ts`
 * (writes bench/results/engine-perf.md; `--no-write` only prints).
 */
import { writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { fileURLToPath } from "node:url";
import { ENGINE_VERSION, RULES, buildGraph, runRules, type SourceFile } from "@threatline/engine";
import { parseAllDocuments } from "yaml";

const SIZES = [100, 1_000, 10_000, 20_000, 50_000];
/** Above the default per-file and per-analysis byte limits: a 50,000-resource template is about 10 MiB. */
const LIMITS = { maxResources: 100_000, maxFileBytes: 2 ** 26, maxTotalBytes: 2 ** 28 };
/** Every generated unit declares this many resources, referencing each other. */
const UNIT = 10;

/** One unit of a three-tier app in CloudFormation: group, role, profile, instance, bucket, policy, database, queue, topic, function. */
function cfnUnit(i: number): string {
  return `  Sg${i}:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: web ${i}
      SecurityGroupIngress:
        - { IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0 }
        - { IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 10.0.0.0/8 }
  Role${i}:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{ Effect: Allow, Principal: { Service: ec2.amazonaws.com }, Action: sts:AssumeRole }]
      Policies:
        - PolicyName: data
          PolicyDocument:
            Statement: [{ Effect: Allow, Action: [s3:GetObject, s3:PutObject], Resource: !Sub "\${Bucket${i}.Arn}/*" }]
  Profile${i}:
    Type: AWS::IAM::InstanceProfile
    Properties: { Roles: [!Ref Role${i}] }
  Host${i}:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: !Ref Ami
      InstanceType: t3.micro
      IamInstanceProfile: !Ref Profile${i}
      SecurityGroupIds: [!GetAtt Sg${i}.GroupId]
      UserData: !Base64 { "Fn::Sub": "#!/bin/bash\\necho \${Bucket${i}} \${Db${i}.Endpoint.Address}" }
  Bucket${i}:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub "\${Prefix}-data-${i}"
      VersioningConfiguration: { Status: Enabled }
  BucketPolicy${i}:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Bucket${i}
      PolicyDocument:
        Statement: [{ Effect: Deny, Principal: "*", Action: "s3:*", Resource: !Sub "\${Bucket${i}.Arn}/*", Condition: { Bool: { aws:SecureTransport: false } } }]
  Db${i}:
    Type: AWS::RDS::DBInstance
    Properties: { Engine: postgres, DBInstanceClass: db.t3.micro, StorageEncrypted: true, VPCSecurityGroups: [!Ref Sg${i}] }
  Queue${i}:
    Type: AWS::SQS::Queue
    Properties: { KmsMasterKeyId: alias/aws/sqs }
  Topic${i}:
    Type: AWS::SNS::Topic
    Properties: { Subscription: [{ Protocol: sqs, Endpoint: !GetAtt Queue${i}.Arn }] }
  Fn${i}:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: !GetAtt Role${i}.Arn
      Code: { ZipFile: "def handler(e, c): return 1" }
      Environment: { Variables: { QUEUE: !Ref Queue${i}, TOPIC: !Ref Topic${i} } }
`;
}

export function cloudFormation(resources: number): SourceFile[] {
  const units = Array.from({ length: resources / UNIT }, (_, i) => cfnUnit(i)).join("");
  const content = `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Ami: { Type: String, Default: ami-12345678 }
  Prefix: { Type: String, Default: bench }
Resources:
${units}`;
  return [{ path: `cfn-${resources}.yaml`, content }];
}

function tfUnit(i: number): string {
  return `resource "aws_security_group" "sg_${i}" {
  name = "web-\${var.prefix}-${i}"
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = [local.admin_cidr]
  }
}
resource "aws_iam_role" "role_${i}" {
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}
resource "aws_iam_instance_profile" "profile_${i}" {
  role = aws_iam_role.role_${i}.name
}
resource "aws_instance" "host_${i}" {
  ami                    = var.ami
  instance_type          = "t3.micro"
  iam_instance_profile   = aws_iam_instance_profile.profile_${i}.name
  vpc_security_group_ids = [aws_security_group.sg_${i}.id]
  user_data              = "#!/bin/bash\\necho \${aws_s3_bucket.bucket_${i}.id}"
  metadata_options {
    http_tokens = "required"
  }
}
resource "aws_s3_bucket" "bucket_${i}" {
  bucket = "\${var.prefix}-data-${i}"
}
resource "aws_s3_bucket_versioning" "bucket_${i}" {
  bucket = aws_s3_bucket.bucket_${i}.id
  versioning_configuration {
    status = "Enabled"
  }
}
resource "aws_db_instance" "db_${i}" {
  engine                 = "postgres"
  instance_class         = "db.t3.micro"
  storage_encrypted      = true
  vpc_security_group_ids = [aws_security_group.sg_${i}.id]
}
resource "aws_sqs_queue" "queue_${i}" {
  kms_master_key_id = "alias/aws/sqs"
}
resource "aws_sns_topic" "topic_${i}" {
  name = "topic-${i}"
}
resource "aws_lambda_function" "fn_${i}" {
  function_name = "fn-${i}"
  runtime       = "python3.12"
  handler       = "index.handler"
  role          = aws_iam_role.role_${i}.arn
  environment {
    variables = {
      QUEUE = aws_sqs_queue.queue_${i}.url
      TOPIC = aws_sns_topic.topic_${i}.arn
    }
  }
}
`;
}

/** One module (one folder), in files of 250 resources, as a large Terraform root module is usually split. */
export function terraform(resources: number): SourceFile[] {
  const units = resources / UNIT;
  const perFile = 25;
  const files: SourceFile[] = [
    {
      path: `tf-${resources}/variables.tf`,
      content:
        'variable "ami" {\n  default = "ami-12345678"\n}\nvariable "prefix" {\n  default = "bench"\n}\nlocals {\n  admin_cidr = "10.0.0.0/8"\n}\n',
    },
  ];
  for (let start = 0; start < units; start += perFile) {
    const body = Array.from({ length: Math.min(perFile, units - start) }, (_, k) => tfUnit(start + k)).join("");
    files.push({ path: `tf-${resources}/part-${String(start / perFile).padStart(3, "0")}.tf`, content: body });
  }
  return files;
}

interface Measure {
  format: string;
  resources: number;
  bytes: number;
  runs: number;
  parseMs: number;
  rulesMs: number;
  totalMs: number;
  /** CPU time of the process (all threads, GC included): less sensitive than wall time to other load on the machine. */
  cpuMs: number;
  nodes: number;
  edges: number;
  threats: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function measure(format: string, files: SourceFile[], resources: number): Promise<Measure> {
  const runs = resources >= 10_000 ? 3 : 5;
  const parse: number[] = [];
  const rules: number[] = [];
  const cpu: number[] = [];
  let last = { nodes: 0, edges: 0, threats: 0 };
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const { graph, files: reports } = await buildGraph(files, LIMITS);
    const t1 = performance.now();
    const threats = runRules(graph);
    const t2 = performance.now();
    const c1 = process.cpuUsage(c0);
    cpu.push((c1.user + c1.system) / 1000);
    const failed = reports.find((r) => r.error);
    if (failed) throw new Error(`${failed.path}: ${failed.error!.code} ${failed.error!.message}`);
    parse.push(t1 - t0);
    rules.push(t2 - t1);
    last = { nodes: graph.nodes.length, edges: graph.edges.length, threats: threats.length };
  }
  const bytes = files.reduce((n, f) => n + Buffer.byteLength(f.content), 0);
  const parseMs = median(parse);
  const rulesMs = median(rules);
  return { format, resources, bytes, runs, parseMs, rulesMs, totalMs: parseMs + rulesMs, cpuMs: median(cpu), ...last };
}

async function main(): Promise<void> {
  // Warm up: the first HCL parse compiles HashiCorp's parser (WebAssembly); the first YAML parse JITs.
  await buildGraph(cloudFormation(100));
  await buildGraph(terraform(100));

  const loadBefore = loadavg()[0]!;
  const results: Measure[] = [];
  for (const size of SIZES) {
    results.push(await measure("cloudformation", cloudFormation(size), size));
    results.push(await measure("terraform", terraform(size), size));
  }

  // How much of CloudFormation's parse is the YAML library itself (parse and compose, no engine work).
  const yamlShare = SIZES.map((size) => {
    const content = cloudFormation(size)[0]!.content;
    const cpu: number[] = [];
    for (let i = 0; i < (size >= 10_000 ? 3 : 5); i++) {
      const c0 = process.cpuUsage();
      for (const doc of parseAllDocuments(content, { uniqueKeys: false })) doc.toJS();
      const c1 = process.cpuUsage(c0);
      cpu.push((c1.user + c1.system) / 1000);
    }
    const total = results.find((r) => r.format === "cloudformation" && r.resources === size)!.cpuMs;
    return `| ${size.toLocaleString("en")} | ${median(cpu).toFixed(0)} ms | ${total.toFixed(0)} ms | ${((median(cpu) / total) * 100).toFixed(0)}% |`;
  });

  const rows = results.map(
    (r) =>
      `| ${r.format} | ${r.resources.toLocaleString("en")} | ${(r.bytes / 1024).toFixed(0)} KiB | ${r.nodes.toLocaleString("en")} / ${r.edges.toLocaleString("en")} | ${r.parseMs.toFixed(0)} ms | ${r.rulesMs.toFixed(0)} ms | **${r.totalMs.toFixed(0)} ms** | ${r.cpuMs.toFixed(0)} ms | ${((r.cpuMs / r.resources) * 1000).toFixed(0)} µs | ${r.threats.toLocaleString("en")} |`,
  );
  const growth = ["cloudformation", "terraform"].map((format) => {
    const cpuAt = (size: number): number => results.find((r) => r.format === format && r.resources === size)!.cpuMs;
    const steps = SIZES.slice(1).map((size, i) => {
      const from = SIZES[i]!;
      return `×${(cpuAt(size) / cpuAt(from)).toFixed(1)} from ${from.toLocaleString("en")} to ${size.toLocaleString("en")} (linear ×${size / from})`;
    });
    return `${format}: ${steps.join(", ")}`;
  });
  const cpu = cpus();
  const report = `# Engine performance

Engine ${ENGINE_VERSION}, ${RULES.length} rules, Node ${process.version}, ${cpu.length} × ${cpu[0]?.model.trim() ?? "unknown CPU"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB.
Produced by \`npx tsx bench/engine-perf.bench.ts\` (median of ${results.map((r) => r.runs).join("/")} runs after a warm-up).

Generated inputs: units of ${UNIT} inter-referencing resources (security group, role, instance profile, instance with user data,
bucket and its policy or versioning companion, database, queue, topic, function). CloudFormation is one YAML template;
Terraform is one module (variables and locals in one file, the resources in files of 250).
"parse + graph" is format detection, parsing, intrinsic/expression resolution, normalization, linking and the derived
facts (exposure, secrets); "rules" is every builtin rule over the graph.

| format | resources | size | nodes / edges | parse + graph | rules | total (wall) | CPU | CPU per resource | threats |
|---|---|---|---|---|---|---|---|---|---|
${rows.join("\n")}

Goal: 1,000 resources under 1 s — ${results
    .filter((r) => r.resources === 1_000)
    .map((r) => `${r.format} ${r.totalMs.toFixed(0)} ms wall, ${r.cpuMs.toFixed(0)} ms CPU`)
    .join("; ")}.
Growth of CPU time: ${growth.join("; ")}.

Where CloudFormation's CPU time goes: the \`yaml\` package alone (parse and compose to plain values, without the
engine's tags, positions or anything else), against the whole analysis:

| resources | \`yaml\` alone (CPU) | whole analysis (CPU) | share |
|---|---|---|---|
${yamlShare.join("\n")}

Load average (1 min) on the machine: ${loadBefore.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} after the run (2 cores; other work was running).
Wall times above the CPU times mean the process waited for a core.
`;
  process.stdout.write(report);
  if (!process.argv.includes("--no-write")) {
    writeFileSync(fileURLToPath(new URL("results/engine-perf.md", import.meta.url)), report);
  }
}

// Importable for profiling the generated inputs; runs when executed.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
