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
