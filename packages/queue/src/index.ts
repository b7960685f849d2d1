export * from "./names.ts";
export * from "./factory.ts";
export * from "./events.ts";
export * from "./metrics-auth.ts";
export * from "./webhooks.ts";
