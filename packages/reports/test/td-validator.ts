import Ajv from "ajv";
import addFormats from "ajv-formats";
import { readFixture } from "./helpers.ts";

/**
 * Threat Dragon's own validation (td.vue/src/service/schema/ajv.js): Ajv 8 with `allowUnionTypes`, formats added,
 * compiling its v2 schema; a model it refuses is one Threat Dragon will not open.
 */
const ajv = new Ajv({ allowUnionTypes: true });
addFormats(ajv);
const validateV2 = ajv.compile(JSON.parse(readFixture("threat-dragon/threat-dragon-v2.schema.json")) as object);

export function threatDragonErrors(model: unknown): unknown[] {
  return validateV2(model) ? [] : [...(validateV2.errors ?? [{ message: "invalid" }])];
}

/** The OTM schema (draft-07), compiled the way Threat Dragon compiles its copy of it (the same file). */
const validateOtm = ajv.compile(JSON.parse(readFixture("otm/otm_schema.json")) as object);

export function otmErrors(doc: unknown): unknown[] {
  return validateOtm(doc) ? [] : [...(validateOtm.errors ?? [{ message: "invalid" }])];
}
