import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ThreatSchema, type Threat } from "@threatline/domain";
import type { ImportResult, ReportInput } from "../src/index.ts";

export function fixturePath(name: string): string {
  return fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
}

export function readFixture(name: string): string {
  return readFileSync(fixturePath(name), "utf8");
}

/** Hand-made threats with the awkward cases: duplicates, non-ASCII, markup, formula prefixes, no resources. */
export function sampleThreats(): Threat[] {
  return ThreatSchema.array().parse(JSON.parse(readFixture("threats.json")));
}

export function sampleInput(overrides: Partial<ReportInput> = {}): ReportInput {
  return {
    tool: { name: "threatline", version: "0.1.0" },
    generatedAt: "2026-11-26T10:00:00.000Z",
    scope: { kind: "project", id: "0194c3a0-0000-7000-8000-000000000001" },
    project: { id: "0194c3a0-0000-7000-8000-000000000001", name: "Payments <prod>" },
    files: [
      { path: "infra/app stack.yaml", format: "cloudformation", resources: 3, analysisId: "a1", status: "succeeded" },
      { path: "tf/main.tf", format: "terraform", resources: 2, analysisId: "a2", status: "succeeded" },
      { path: "api/openapi.yaml", format: "openapi", resources: 4, analysisId: "a3", status: "partial" },
      { path: "k8s/api.yaml", format: "kubernetes", resources: 1, analysisId: "a4", status: "succeeded" },
      { path: "k8s/worker.yaml", format: "kubernetes", resources: 1, analysisId: "a5", status: "succeeded" },
      {
        path: "broken.yaml",
        format: null,
        resources: 0,
        analysisId: "a6",
        status: "failed",
        error: { code: "template/parse-failed", message: "bad indentation at line 3" },
      },
    ],
    threats: sampleThreats(),
    triage: {
      "11111111111111111111111111111111": {
        status: "accepted",
        owner: "ana@example.com",
        expiresAt: "2027-01-01T00:00:00.000Z",
        note: "logs are public by design",
      },
      "44444444444444444444444444444444": { status: "mitigated", owner: null, expiresAt: null, note: "" },
    },
    ...overrides,
  };
}

/**
 * Mitigation records on the sample threats: one done on the SSH threat (which closes it), one in progress and one
 * done on the critical bucket (still open: one is in progress), one the team won't do on the login threat.
 */
export function sampleMitigations(): NonNullable<ReportInput["mitigations"]> {
  return [
    {
      id: "0194c3a0-0000-7000-8000-0000000000a1",
      title: "Restrict SSH to the bastion's security group",
      description: "Only the bastion may open port 22; see the runbook.",
      status: "done",
      owner: "ops@example.com",
      ticketUrl: "https://tickets.example.com/SEC-12",
      fingerprints: ["22222222222222222222222222222222"],
    },
    {
      id: "0194c3a0-0000-7000-8000-0000000000a2",
      title: "Block public access on every bucket",
      description: "",
      status: "in_progress",
      owner: null,
      ticketUrl: null,
      fingerprints: ["0f1e2d3c4b5a69788796a5b4c3d2e1f0", "11111111111111111111111111111111"],
    },
    {
      id: "0194c3a0-0000-7000-8000-0000000000a3",
      title: "Remove the bucket's public ACL",
      description: "",
      status: "done",
      owner: "ana@example.com",
      ticketUrl: null,
      fingerprints: ["0f1e2d3c4b5a69788796a5b4c3d2e1f0"],
    },
    {
      id: "0194c3a0-0000-7000-8000-0000000000a4",
      title: "Replace the login page's <script> with a | pipe",
      description: "",
      status: "wont_do",
      owner: null,
      ticketUrl: null,
      fingerprints: ["33333333333333333333333333333333"],
    },
  ];
}

/** A report of imported threats as the API builds one: the imported document is the report's one file. */
export function importedInput(result: Pick<ImportResult, "threats" | "triage">, path: string): ReportInput {
  return {
    ...sampleInput(),
    files: [{ path, format: null, resources: 0 }],
    threats: result.threats,
    triage: result.triage,
  };
}

/** What an import → export → import round trip must keep of a threat. */
export function keptOfThreat(t: Threat) {
  return {
    fingerprint: t.fingerprint,
    title: t.title,
    category: t.category,
    severity: t.severity,
    description: t.description,
    remediations: t.remediations,
    resources: t.resources,
  };
}
