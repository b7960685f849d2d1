/** Helpers the test suites of several packages share (no mocks: they drive the real API and wait on it). */
export { waitFor } from "./wait.ts";
export { createProject, submitAndWait, threatsOf, type TestApp, type TestFile } from "./api-flow.ts";
