import { cfn, tf } from "../harness.ts";
import type { RuleCase } from "../../rule-cases.ts";

const instanceBehind = (ingress: string, policy: string) =>
  cfn(`
  Group:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: web
      SecurityGroupIngress:
        - { IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: ${ingress} }
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - { Effect: Allow, Principal: { Service: ec2.amazonaws.com }, Action: sts:AssumeRole }
      ManagedPolicyArns: [${policy}]
  Profile:
    Type: AWS::IAM::InstanceProfile
    Properties: { Roles: [!Ref Role] }
  Host:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-12345678
      IamInstanceProfile: !Ref Profile
      SecurityGroupIds: [!Ref Group]
`);

const instanceBehindTf = (cidr: string, policy: string) =>
  tf(`
  resource "aws_security_group" "web" {
    ingress {
      from_port   = 22
      to_port     = 22
      protocol    = "tcp"
      cidr_blocks = ["${cidr}"]
    }
  }
  resource "aws_iam_role" "host" {
    assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }] })
  }
  resource "aws_iam_role_policy_attachment" "host" {
    role       = aws_iam_role.host.name
    policy_arn = "${policy}"
  }
  resource "aws_iam_instance_profile" "host" {
    role = aws_iam_role.host.name
  }
  resource "aws_instance" "host" {
    ami                         = "ami-12345678"
    associate_public_ip_address = true
    iam_instance_profile        = aws_iam_instance_profile.host.name
    vpc_security_group_ids      = [aws_security_group.web.id]
  }
`);

const ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess";

const SSM = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore";

const dbBehind = (publicly: boolean, cidr: string, encrypted: boolean) =>
  cfn(`
  DbGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: db
      SecurityGroupIngress:
        - { IpProtocol: tcp, FromPort: 5432, ToPort: 5432, CidrIp: ${cidr} }
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      DBInstanceClass: db.t3.micro
      PubliclyAccessible: ${publicly}
      StorageEncrypted: ${encrypted}
      VPCSecurityGroups: [!Ref DbGroup]
`);

const dbBehindTf = (publicly: boolean, cidr: string) =>
  tf(`
  resource "aws_security_group" "db" {
    ingress {
      from_port   = 3306
      to_port     = 3306
      protocol    = "tcp"
      cidr_blocks = ["${cidr}"]
    }
  }
  resource "aws_db_instance" "db" {
    engine                 = "mysql"
    instance_class         = "db.t3.micro"
    publicly_accessible    = ${publicly}
    storage_encrypted      = true
    vpc_security_group_ids = [aws_security_group.db.id]
  }
`);

const searchOpenTf = (encrypted: boolean) =>
  tf(`
  resource "aws_opensearch_domain" "search" {
    domain_name = "search"
    encrypt_at_rest {
      enabled = ${encrypted}
    }
    access_policies = jsonencode({ Statement = [{ Effect = "Allow", Principal = { AWS = "*" }, Action = "es:*", Resource = "*" }] })
  }
`);

/** An internet-facing load balancer in front of an app whose user data names a database, encrypted or not. */
export const appInFrontOf = (encrypted: boolean) =>
  cfn(`
  Lb:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties: { Scheme: internet-facing, Subnets: [subnet-1] }
  Listener:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: !Ref Lb
      Port: 443
      Protocol: HTTPS
      DefaultActions: [{ Type: forward, TargetGroupArn: !Ref Targets }]
  Targets:
    Type: AWS::ElasticLoadBalancingV2::TargetGroup
    Properties: { Port: 80, Protocol: HTTP, VpcId: vpc-1 }
  App:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties:
      MinSize: '1'
      MaxSize: '2'
      TargetGroupARNs: [!Ref Targets]
      LaunchConfigurationName: !Ref Launch
  Launch:
    Type: AWS::AutoScaling::LaunchConfiguration
    Properties:
      ImageId: ami-12345678
      InstanceType: t3.micro
      UserData:
        Fn::Base64: !Sub "DB_HOST=\${Db.Endpoint.Address}"
  Db:
    Type: AWS::RDS::DBInstance
    Properties: { Engine: postgres, DBInstanceClass: db.t3.micro, StorageEncrypted: ${encrypted} }
`);

const fnWith = (urlAuth: string, policy: string) =>
  cfn(
    `
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      CodeUri: src/
      FunctionUrlConfig: { AuthType: ${urlAuth} }
      Policies: [${policy}]
`,
    "Transform: AWS::Serverless-2016-10-31\n",
  );

/** A bucket whose policy grants `actions` to anyone. */
function publicPolicyTf(actions: string): string {
  return tf(`
    resource "aws_s3_bucket" "site" {
      bucket = "site"
    }
    resource "aws_s3_bucket_policy" "site" {
      bucket = aws_s3_bucket.site.id
      policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*", Action = ${actions}, Resource = ["arn:aws:s3:::site", "arn:aws:s3:::site/*"] }] })
    }
  `);
}

export const COMBO_CASES: RuleCase[] = [
  {
    rule: "TL-COMBO-001",
    cfn: {
      pos: [instanceBehind("0.0.0.0/0", ADMIN)],
      neg: [instanceBehind("10.0.0.0/16", ADMIN), instanceBehind("0.0.0.0/0", SSM)],
    },
    tf: {
      pos: [instanceBehindTf("0.0.0.0/0", ADMIN)],
      neg: [instanceBehindTf("10.0.0.0/8", ADMIN), instanceBehindTf("0.0.0.0/0", SSM)],
    },
  },
  {
    rule: "TL-COMBO-002",
    cfn: {
      pos: [appInFrontOf(false)],
      neg: [
        appInFrontOf(true),
        dbBehind(false, "10.0.0.0/16", false),
        // Itself open to the internet: TL-COMBO-003 (and RDS-001) report it; see combo-noise.test.ts.
        dbBehind(true, "0.0.0.0/0", false),
      ],
    },
    tf: {
      pos: [searchOpenTf(false)],
      neg: [
        searchOpenTf(true),
        // S3 encrypts every object since 2023 (SSE-S3, not optional): a public bucket is not an unencrypted store.
        tf(`resource "aws_s3_bucket" "site" {\n  acl = "public-read"\n}`),
      ],
    },
  },
  {
    rule: "TL-COMBO-003",
    cfn: {
      pos: [dbBehind(true, "0.0.0.0/0", true)],
      neg: [dbBehind(false, "0.0.0.0/0", true), dbBehind(true, "10.0.0.0/16", true)],
    },
    tf: { pos: [dbBehindTf(true, "0.0.0.0/0")], neg: [dbBehindTf(true, "10.0.0.0/8"), dbBehindTf(false, "0.0.0.0/0")] },
  },
  {
    rule: "TL-COMBO-004",
    cfn: {
      pos: [cfn(`\n  Site:\n    Type: AWS::S3::Bucket\n    Properties: { AccessControl: PublicRead }\n`)],
      neg: [
        cfn(
          `\n  Site:\n    Type: AWS::S3::Bucket\n    Properties: { AccessControl: PublicRead, LoggingConfiguration: { DestinationBucketName: logs } }\n`,
        ),
      ],
    },
    tf: {
      pos: [
        tf(`resource "aws_s3_bucket" "site" {\n  acl = "public-read"\n}`),
        publicPolicyTf('["s3:GetObject", "s3:ListBucket"]'),
        publicPolicyTf('"s3:PutObject"'),
      ],
      neg: [
        // Anyone may read objects (S3-003), not list or change them: no logs is hygiene here (S3-009).
        publicPolicyTf('"s3:GetObject"'),
        tf(
          `resource "aws_s3_bucket" "site" {\n  acl = "public-read"\n}\nresource "aws_s3_bucket_logging" "site" {\n  bucket        = aws_s3_bucket.site.id\n  target_bucket = "logs"\n}`,
        ),
      ],
    },
  },
  {
    rule: "TL-COMBO-005",
    cfn: {
      pos: [fnWith("NONE", "AdministratorAccess")],
      neg: [
        fnWith("NONE", "AWSLambdaBasicExecutionRole"),
        fnWith("AWS_IAM", "AdministratorAccess").replace("      FunctionUrlConfig: { AuthType: AWS_IAM }\n", ""),
      ],
    },
    tf: {
      pos: [
        tf(`
        resource "aws_iam_role" "fn" {
          assume_role_policy  = "{}"
          managed_policy_arns = ["arn:aws:iam::aws:policy/AdministratorAccess"]
        }
        resource "aws_lambda_function" "fn" {
          function_name = "fn"
          role          = aws_iam_role.fn.arn
        }
        resource "aws_lambda_function_url" "fn" {
          function_name      = aws_lambda_function.fn.function_name
          authorization_type = "NONE"
        }
      `),
      ],
      neg: [
        tf(`
        resource "aws_iam_role" "fn" {
          assume_role_policy  = "{}"
          managed_policy_arns = ["arn:aws:iam::aws:policy/AdministratorAccess"]
        }
        resource "aws_lambda_function" "fn" {
          function_name = "fn"
          role          = aws_iam_role.fn.arn
        }
      `),
      ],
    },
  },
  {
    rule: "TL-COMBO-006",
    cfn: {
      pos: [
        cfn(
          `\n  User:\n    Type: AWS::IAM::User\n    Properties: { ManagedPolicyArns: [${ADMIN}] }\n  Key:\n    Type: AWS::IAM::AccessKey\n    Properties: { UserName: !Ref User }\n`,
        ),
      ],
      neg: [
        cfn(
          `\n  User:\n    Type: AWS::IAM::User\n    Properties: { ManagedPolicyArns: [arn:aws:iam::aws:policy/ReadOnlyAccess] }\n  Key:\n    Type: AWS::IAM::AccessKey\n    Properties: { UserName: !Ref User }\n`,
        ),
      ],
    },
    tf: {
      pos: [
        tf(`
        resource "aws_iam_user" "ops" {
          name = "ops"
        }
        resource "aws_iam_user_policy_attachment" "ops" {
          user       = aws_iam_user.ops.name
          policy_arn = "${ADMIN}"
        }
        resource "aws_iam_access_key" "ops" {
          user = aws_iam_user.ops.name
        }
      `),
      ],
      neg: [
        tf(`
        resource "aws_iam_user" "ops" {
          name = "ops"
        }
        resource "aws_iam_user_policy_attachment" "ops" {
          user       = aws_iam_user.ops.name
          policy_arn = "${ADMIN}"
        }
      `),
      ],
    },
  },
];
