// Re-exported so that tests outside this package use the same Ajv 8 this package depends on.
export { Ajv2020 } from "ajv/dist/2020.js";
