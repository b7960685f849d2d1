export { startFakeBedrock, type FakeBedrock, type FakeBedrockOptions, type FakeStats } from "./server.ts";
export { FAULT_KINDS, parseFaults, type FaultKind } from "./faults.ts";
export { estimateTokens } from "./answer.ts";
export { TokenBucket } from "./bucket.ts";
