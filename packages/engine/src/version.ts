import pkg from "../package.json" with { type: "json" };

/**
 * The engine's version: the `version` of packages/engine/package.json, its one source. Bump it whenever parsing,
 * secret detection or rules change what an analysis finds: it is part of the LLM cache key, so analyses under
 * changed rules do not reuse answers given for the old findings. test/version.test.ts fails when the engine's sources
 * (scripts/rules-digest.mjs says which) change and it does not.
 */
export const ENGINE_VERSION: string = pkg.version;
