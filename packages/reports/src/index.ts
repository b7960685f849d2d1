export * from "./report.ts";
export * from "./python-json.ts";
export * from "./prototype.ts";
export * from "./csv.ts";
export * from "./markdown.ts";
export * from "./sarif.ts";
export { escapeHtml, escapeMarkdown } from "./text.ts";
export * from "./formats.ts";
