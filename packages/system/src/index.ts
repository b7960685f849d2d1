export { assemble, buildSystemGraph, INTERNET, type AttachedThreat, type BuildOptions } from "./build.ts";
export { groupUnits, parseUnits, type ParsedUnit, type Unit } from "./units.ts";
export { SYSTEM_RULES, type SystemRule } from "./threats.ts";
