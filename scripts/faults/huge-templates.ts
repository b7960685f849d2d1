// The templates that locked up every worker in the drills (issue 21), generated rather than committed as data:
// a 1.2 MB Terraform file with 20,000 buckets (the drill's was 1.1 MB) and a 4.97 MB CloudFormation file with 42,802 (under the 5 MB limit).
//   node --import tsx scripts/faults/huge-templates.ts <dir>   writes both files into <dir>
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** A Terraform file of `buckets` plain S3 buckets (60 bytes each; 20,000 make 1.2 MB). */
export function hugeTerraform(buckets = 20_000): { path: string; content: string } {
  const parts: string[] = [];
  for (let i = 0; i < buckets; i += 1) {
    const n = String(i).padStart(5, "0");
    parts.push(`resource "aws_s3_bucket" "b${n}" {\n  bucket = "tl-${n}"\n}\n`);
  }
  return { path: "huge/main.tf", content: parts.join("") };
}

/** A CloudFormation file of `buckets` public-read buckets (116 bytes each; 42,802 make 4.97 MB). */
export function hugeCloudFormation(buckets = 42_802): { path: string; content: string } {
  const parts = ['AWSTemplateFormatVersion: "2010-09-09"\nDescription: many buckets\nResources:\n'];
  for (let i = 0; i < buckets; i += 1) {
    const n = String(i).padStart(5, "0");
    parts.push(
      `  Bucket${n}:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: tl-${n}\n      AccessControl: PublicRead\n`,
    );
  }
  return { path: "huge/buckets.yaml", content: parts.join("") };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2] ?? ".";
  mkdirSync(dir, { recursive: true });
  for (const file of [hugeTerraform(), hugeCloudFormation()]) {
    const out = join(dir, file.path.split("/").pop()!);
    writeFileSync(out, file.content);
    process.stdout.write(`${out}: ${Buffer.byteLength(file.content)} bytes\n`);
  }
}
