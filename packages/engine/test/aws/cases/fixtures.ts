import { cfn, tf } from "../harness.ts";

// Fixture builders shared by the cases of several services.

/** One Terraform resource of a type with the given body (HCL lines). */
export const res = (type: string, body: string, name = "this") =>
  tf(
    `resource "${type}" "${name}" {\n${body
      .split("\n")
      .map((l) => `  ${l}`)
      .join("\n")}\n}`,
  );

/** One resource of a type with the given properties (YAML flow or block lines). */
export const one = (type: string, props: string, name = "Res") =>
  cfn(`
  ${name}:
    Type: ${type}
    Properties:
${props
  .split("\n")
  .map((l) => `      ${l}`)
  .join("\n")}
`);

/** The same template written as JSON (CloudFormation's other syntax). */
export const json = (type: string, props: Record<string, unknown>, name = "Res") =>
  JSON.stringify(
    { AWSTemplateFormatVersion: "2010-09-09", Resources: { [name]: { Type: type, Properties: props } } },
    null,
    2,
  );

/** An IAM policy document with the given statements. */
export const doc = (...statements: Record<string, unknown>[]) => ({ Version: "2012-10-17", Statement: statements });

/** A condition limiting a statement to one AWS organization. */
export const orgOnly = { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } };

/** A statement granting everything to everyone, as a YAML list item (and, below, as HCL). */
export const publicStatement = "- { Effect: Allow, Principal: '*', Action: '*', Resource: '*' }";

export const publicStatementTf = '{ Effect = "Allow", Principal = "*", Action = "*", Resource = "*" }';
