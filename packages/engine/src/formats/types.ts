import type { TemplateFormat } from "@threatline/domain";
import type { FileReport, GraphEdge, GraphNode, SecretFinding, SourceFile } from "../graph/types.ts";

/** What one format's parser contributes to the graph. */
export interface ParsedPart {
  nodes: GraphNode[];
  edges: GraphEdge[];
  secrets: SecretFinding[];
  /** One report per input file handed to `parse`. */
  reports: FileReport[];
  /** Other files of the analysis this format read as part of its own (an OpenAPI spec's `$ref`'d fragments). */
  consumed?: string[];
}

/**
 * A format: how to recognise it from content and how to parse it. `parse` receives every file detected as
 * this format at once, so that formats made of many files (a Terraform module is a folder) can join them.
 * Parsers never throw for bad input: they report `template/*` errors per file.
 */
export interface FormatHandler {
  format: TemplateFormat;
  /** Cheap content sniffing; `path` only breaks ties. */
  detect(file: SourceFile): boolean;
  /** May be async: HashiCorp's HCL parser runs as WebAssembly and answers with a promise. */
  parse(files: SourceFile[], limits: EngineLimits, context?: readonly SourceFile[]): ParsedPart | Promise<ParsedPart>;
}

/** Bounds that keep a hostile file from exhausting a worker. */
export interface EngineLimits {
  /** Largest file, in bytes. */
  maxFileBytes: number;
  /** Largest total of all files in one analysis, in bytes. */
  maxTotalBytes: number;
  /** Deepest nesting of maps and lists. */
  maxDepth: number;
  /** Most YAML aliases in one document (alias bombs). */
  maxAliases: number;
  /** Most resources in one analysis. */
  maxResources: number;
}

export const DEFAULT_LIMITS: EngineLimits = {
  maxFileBytes: 5 * 1024 * 1024,
  maxTotalBytes: 50 * 1024 * 1024,
  maxDepth: 64,
  maxAliases: 100,
  maxResources: 50_000,
};
