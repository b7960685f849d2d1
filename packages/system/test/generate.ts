import type { SourceFile } from "@threatline/engine";

/**
 * A generated project of `services` CloudFormation stacks (an HTTP API, a function, its role, a table and a queue
 * each: five drawn nodes) and one shared data stack: the functions' roles reach shared buckets by ARN and each
 * function sends to the next service's queue by name, so the system has cross-file flows everywhere. For the
 * 500-node browser test and bench/system-view.
 */
export function generatedProject(services = 100): SourceFile[] {
  const files: SourceFile[] = [];
  const shared = Math.max(1, Math.round(services / 20));
  const buckets = Array.from(
    { length: shared },
    (_, i) => `  Shared${i}:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: shared-data-${i}
`,
  ).join("");
  files.push({ path: "data/shared.yaml", content: `AWSTemplateFormatVersion: "2010-09-09"\nResources:\n${buckets}` });
  for (let i = 0; i < services; i++) {
    const next = (i + 1) % services;
    files.push({
      path: `services/svc-${i}/stack.yaml`,
      content: `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties:
      Name: svc-${i}
      ProtocolType: HTTP
  Integration:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref Api
      IntegrationType: AWS_PROXY
      IntegrationUri: !GetAtt Fn.Arn
  Route:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref Api
      RouteKey: "POST /svc-${i}/items"
      Target: !Sub "integrations/\${Integration}"
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: svc-${i}-items
      BillingMode: PAY_PER_REQUEST
      KeySchema: [{ AttributeName: id, KeyType: HASH }]
      AttributeDefinitions: [{ AttributeName: id, AttributeType: S }]
  Jobs:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: svc-${i}-jobs
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{ Effect: Allow, Principal: { Service: lambda.amazonaws.com }, Action: sts:AssumeRole }]
      Policies:
        - PolicyName: data
          PolicyDocument:
            Statement:
              - { Effect: Allow, Action: ["dynamodb:PutItem", "dynamodb:GetItem"], Resource: !GetAtt Table.Arn }
              - { Effect: Allow, Action: ["s3:GetObject"], Resource: "arn:aws:s3:::shared-data-${i % shared}/*" }
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: svc-${i}-handler
      Role: !GetAtt Role.Arn
      Handler: index.handler
      Runtime: nodejs20.x
      Code: { ZipFile: "exports.handler = async () => 1" }
      Environment:
        Variables:
          TABLE: !Ref Table
          NEXT_QUEUE: svc-${next}-jobs
`,
    });
  }
  return files;
}
