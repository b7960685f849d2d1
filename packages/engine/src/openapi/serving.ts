import type { SourceFile } from "../graph/types.ts";

/** Text that declares HTTP routes in front of a backend: API Gateway (v1, v2, SAM), function URLs, Ingress. */
const ROUTES =
  /AWS::ApiGateway(?:V2)?::(?:Route|Method|RestApi|Api)\b|AWS::Serverless::(?:Api|HttpApi|Function)\b|AWS::Lambda::Url\b|FunctionUrlConfig|"?aws_api_gateway_(?:method|rest_api)"?|"?aws_apigatewayv2_(?:route|api)"?|"?aws_lambda_function_url"?|^\s*"?kind"?\s*:\s*"?Ingress"?\s*,?\s*$/m;

function folder(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? "" : path.slice(0, i);
}

/** Whether a file declares HTTP routes (API Gateway, SAM events, a Lambda function URL, a Kubernetes Ingress). */
export function declaresRoutes(file: SourceFile): boolean {
  return ROUTES.test(file.content);
}

/**
 * Whether `infra` may serve the OpenAPI `spec`, so that the two are analysed together (TL-API-INFRA-001): it
 * declares HTTP routes and sits in the spec's folder, or it names the spec's file by its path relative to itself
 * (SAM `DefinitionUri: api/openapi.yaml`, an `AWS::Include` of it, Terraform `file("${path.module}/openapi.yaml")`).
 */
export function servesSpec(spec: SourceFile, infra: SourceFile): boolean {
  if (infra.path === spec.path || !declaresRoutes(infra)) return false;
  const dir = folder(infra.path);
  if (folder(spec.path) === dir) return true;
  if (dir !== "" && !spec.path.startsWith(`${dir}/`)) return false;
  const relative = dir === "" ? spec.path : spec.path.slice(dir.length + 1);
  return infra.content.includes(relative);
}
