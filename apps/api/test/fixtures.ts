/** Small templates of each format, written for these tests. */
export const CFN_BUCKET = `AWSTemplateFormatVersion: "2010-09-09"
Description: A public bucket
Resources:
  AppBucket:
    Type: AWS::S3::Bucket
    Properties:
      AccessControl: PublicRead
`;

export const K8S_DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: prod
spec:
  selector:
    matchLabels: { app: api }
  template:
    metadata:
      labels: { app: api }
    spec:
      containers:
        - name: api
          image: example/api:latest
          securityContext:
            privileged: true
`;

export const OPENAPI_USERS = `openapi: 3.0.3
info: { title: Users, version: "1" }
servers:
  - url: http://api.example.com
paths:
  /users/{id}:
    delete:
      parameters:
        - { name: id, in: path, required: true, schema: { type: string } }
      responses:
        "204": { description: deleted }
`;

/** A Terraform database open to the internet; closing it lowers the likelihood of some threats (same fingerprints). */
export const TF_PUBLIC_DB = `resource "aws_db_instance" "ledger" {
  engine              = "postgres"
  instance_class      = "db.t3.large"
  allocated_storage   = 100
  username            = "ledger"
  password            = "hunter2hunter2"
  publicly_accessible = true
  storage_encrypted   = false
  skip_final_snapshot = true
}
`;
