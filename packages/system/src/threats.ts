import {
  type ResourceRef,
  type StrideCategory,
  type SystemEdge,
  type SystemNode,
  type SystemThreat,
  severityFromScore,
  threatFingerprint,
  threatScore,
} from "@threatline/domain";
import { INTERNET, type Assembly } from "./build.ts";
import { SENSITIVE_STORES } from "./kinds.ts";

/** A combination rule: what it reports, from the whole project's system graph. */
export interface SystemRule {
  id: string;
  title: string;
  category: StrideCategory;
  likelihood: number;
  impact: number;
  remediation: string;
  cwe: string[];
}

export const SYSTEM_RULES = {
  path: {
    id: "TL-SYS-001",
    title: "Internet path across templates reaches a data store",
    category: "InformationDisclosure",
    likelihood: 3,
    impact: 4,
    remediation:
      "Break the chain where it is cheapest: authenticate at the entry point, keep the workload's identity from reaching the store (scope its role or service account to what it serves), or move the store behind a boundary the entry point cannot cross. Each file looks reasonable alone; review them together.",
    cwe: ["CWE-284", "CWE-668"],
  },
  unusedAccess: {
    id: "TL-SYS-002",
    title: "Workload's identity reaches data the workload has no flow to",
    category: "ElevationOfPrivilege",
    likelihood: 2,
    impact: 4,
    remediation:
      "Scope the role's policy to the stores the workload reads and writes, or give the workload that needs the other stores its own role. A compromised workload gets every permission of the identity it runs as.",
    cwe: ["CWE-250", "CWE-272"],
  },
} satisfies Record<string, SystemRule>;

/** Edges an attacker inside one node can follow to the next. */
const TRAVERSED = new Set<SystemEdge["kind"]>(["network", "flow", "assumes", "access"]);

/** Combination threats only the whole project shows: each also listed on the node it is about. */
export function combinationThreats(a: Assembly): SystemThreat[] {
  const threats = [...internetPaths(a), ...unusedAccess(a)];
  for (const t of threats) {
    const subject = a.nodes.get(t.path[t.path.length - 1]!);
    const about = t.ruleId === SYSTEM_RULES.unusedAccess.id ? a.nodes.get(t.path[0]!) : subject;
    about?.threats.push({
      fingerprint: t.fingerprint,
      ruleId: t.ruleId,
      category: t.category,
      severity: t.severity,
      title: t.title,
    });
  }
  return threats.sort((x, y) => y.score - x.score || x.fingerprint.localeCompare(y.fingerprint));
}

function refsOf(node: SystemNode): ResourceRef[] {
  return node.resources.slice(0, 1);
}

function threat(rule: SystemRule, subject: SystemNode, path: SystemNode[], description: string): SystemThreat {
  const score = threatScore(rule.likelihood, rule.impact);
  const primary = subject.resources[0]!;
  const involved = [subject, ...path.filter((n) => n !== subject)].filter((n) => n.resources.length > 0);
  return {
    fingerprint: threatFingerprint({
      category: rule.category,
      ruleId: rule.id,
      title: rule.title,
      file: primary.file,
      resourceId: primary.id,
    }),
    ruleId: rule.id,
    category: rule.category,
    title: rule.title,
    description,
    severity: severityFromScore(score),
    likelihood: rule.likelihood,
    impact: rule.impact,
    score,
    resources: involved.flatMap(refsOf),
    evidence: path
      .filter((n) => n.file !== null)
      .map((n) => ({ file: n.file!, line: n.resources[0]?.line ?? null, path: "" })),
    remediations: [{ text: rule.remediation }],
    references: { cwe: rule.cwe, capec: [], attack: [] },
    source: "rule",
    contributingRules: [],
    path: path.map((n) => n.id),
  };
}

/** The unit (file or folder the engine read together) a node comes from. */
function unitOf(a: Assembly, node: SystemNode): string | undefined {
  const primary = node.resources[0];
  return primary ? a.entries.get(`${primary.file}#${primary.id}`)?.unit : undefined;
}

function outgoing(a: Assembly): Map<string, SystemEdge[]> {
  const out = new Map<string, SystemEdge[]>();
  for (const edge of a.edges.values()) {
    if (!TRAVERSED.has(edge.kind)) continue;
    const list = out.get(edge.from);
    if (list) list.push(edge);
    else out.set(edge.from, [edge]);
  }
  return out;
}

/**
 * TL-SYS-001: from each entry point the internet reaches, the shortest path along network paths, data flows and
 * the identities workloads run as, to a sensitive store, where the path leaves the entry point's own template.
 * A store the internet reaches directly (a public bucket) is the per-file rules' finding, not this one.
 */
function internetPaths(a: Assembly): SystemThreat[] {
  const out = outgoing(a);
  const direct = new Set((out.get(INTERNET) ?? []).map((e) => e.to));
  const best = new Map<string, SystemNode[]>();
  for (const entryId of [...direct].sort()) {
    const entry = a.nodes.get(entryId)!;
    const home = unitOf(a, entry);
    // Breadth-first over (node, has the path left the entry's unit yet).
    const seen = new Set<string>([`${entryId}|${false}`]);
    const queue: Array<{ id: string; crossed: boolean; path: SystemNode[] }> = [
      { id: entryId, crossed: false, path: [a.nodes.get(INTERNET)!, entry] },
    ];
    while (queue.length > 0) {
      const { id, crossed, path } = queue.shift()!;
      for (const edge of out.get(id) ?? []) {
        const next = a.nodes.get(edge.to)!;
        const nowCrossed = crossed || unitOf(a, next) !== home;
        const state = `${next.id}|${nowCrossed}`;
        if (seen.has(state) || next.id === INTERNET) continue;
        seen.add(state);
        const longer = [...path, next];
        if (nowCrossed && SENSITIVE_STORES.has(next.kind) && !direct.has(next.id)) {
          const known = best.get(next.id);
          if (!known || known.length > longer.length) best.set(next.id, longer);
        }
        queue.push({ id: next.id, crossed: nowCrossed, path: longer });
      }
    }
  }
  return [...best.entries()].map(([storeId, path]) => {
    const store = a.nodes.get(storeId)!;
    const files = [...new Set(path.map((n) => n.file).filter((f): f is string => f !== null))];
    const hops = path.map((n) => n.label).join(" → ");
    return threat(
      SYSTEM_RULES.path,
      store,
      path,
      `${store.label} is reached from the internet along ${hops}. The path crosses ${files.length} files (${files.join(", ")}); none of them shows it whole.`,
    );
  });
}

/**
 * TL-SYS-002: a workload whose identity (its role, or the cloud role its service account is bound to) has IAM
 * access to a store it has no data flow to, where the workload, its identity and the store are not all in one
 * template (one template's least privilege is the per-file rules' concern).
 */
function unusedAccess(a: Assembly): SystemThreat[] {
  const byFrom = new Map<string, SystemEdge[]>();
  const touches = new Set<string>();
  for (const edge of a.edges.values()) {
    const list = byFrom.get(edge.from);
    if (list) list.push(edge);
    else byFrom.set(edge.from, [edge]);
    if (edge.kind === "flow" || edge.kind === "link") {
      touches.add(`${edge.from}|${edge.to}`);
      touches.add(`${edge.to}|${edge.from}`);
    }
  }
  const threats: SystemThreat[] = [];
  for (const workload of a.nodes.values()) {
    if (workload.element !== "process") continue;
    // The identities it runs as, through service accounts bound to cloud roles.
    const identities: SystemNode[] = [];
    let frontier = [workload.id];
    const visited = new Set(frontier);
    while (frontier.length > 0) {
      const next: string[] = [];
      for (const id of frontier)
        for (const e of byFrom.get(id) ?? [])
          if (e.kind === "assumes" && !visited.has(e.to)) {
            visited.add(e.to);
            identities.push(a.nodes.get(e.to)!);
            next.push(e.to);
          }
      frontier = next;
    }
    const reached = identities.flatMap((identity) =>
      (byFrom.get(identity.id) ?? [])
        .filter((e) => e.kind === "access")
        .map((e) => ({ identity, store: a.nodes.get(e.to)! })),
    );
    const unused = reached.filter(({ store }) => !touches.has(`${workload.id}|${store.id}`));
    const units = new Set([workload, ...identities, ...unused.map((u) => u.store)].map((n) => unitOf(a, n)));
    if (unused.length === 0 || units.size < 2) continue;
    const first = unused[0]!;
    const names = unused.map((u) => u.store.label).join(", ");
    const via = [...new Set(unused.map((u) => u.identity.label))].join(", ");
    threats.push(
      threat(
        SYSTEM_RULES.unusedAccess,
        workload,
        [workload, ...identities.slice(0, identities.indexOf(first.identity) + 1), first.store],
        `${workload.label} runs as ${via}, which has access to ${names}; nothing in the project sends ${workload.label}'s data there or reads it from there. If ${workload.label} is compromised, so is that data.`,
      ),
    );
  }
  return threats;
}
