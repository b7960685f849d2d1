export {
  type FunctionTagSpec,
  type LoadError,
  type LoadErrorCode,
  type LoadOptions,
  type LoadResult,
  type PropertyPath,
  type SourcePosition,
  type StructuredDocument,
  functionTags,
  loadStructured,
} from "./structured.ts";
