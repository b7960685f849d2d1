import Ajv04 from "ajv-draft-04";
import addFormats from "ajv-formats";
import { readFixture } from "./helpers.ts";

// The official SARIF 2.1.0 schema is JSON Schema draft-04, which Ajv 8 reads through ajv-draft-04.
const ajv = new Ajv04({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(readFixture("sarif/sarif-schema-2.1.0.json")) as object);

/** Validates a SARIF log against the official SARIF 2.1.0 schema (vendored); returns the errors (none when valid). */
export function sarifErrors(log: unknown): unknown[] {
  return validate(log) ? [] : [...(validate.errors ?? [{ message: "invalid" }])];
}
