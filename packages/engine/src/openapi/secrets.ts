import type { SecretFinding } from "../graph/types.ts";
import { scanString } from "../secrets/detect.ts";

/**
 * Whether a secret found in an OpenAPI document is reported. Examples, defaults and sample values
 * (`password: pass`, `apiKey: oa_citations`, sample bearer JWTs) are documentation; a value shaped like a real
 * credential (an AWS key pair, a private key, a vendor token such as `ghp_…`, `sk_live_…`, `AIza…`) is a leak
 * wherever it sits, and is reported with the line of the example that holds it.
 */
export function openApiSecretKept(finding: SecretFinding): boolean {
  if (finding.kind === "private-key" || finding.kind === "aws-access-key" || finding.kind === "aws-secret-key")
    return true;
  if (finding.kind !== "token") return false;
  return scanString(finding.value).some((h) => h.kind === "token" && !h.value.startsWith("eyJ"));
}
