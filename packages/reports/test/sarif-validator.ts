import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { readFixture } from "./helpers.ts";

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(readFixture("sarif-2.1.0.subset.schema.json")) as object);

/** Validates a SARIF log against the committed SARIF 2.1.0 schema subset; returns the errors (none when valid). */
export function sarifErrors(log: unknown): unknown[] {
  return validate(log) ? [] : [...(validate.errors ?? [{ message: "invalid" }])];
}
