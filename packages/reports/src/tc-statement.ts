import indefinite from "indefinite";

/**
 * Threat Composer's statement grammar, ported from its `renderThreatStatement` (with `parseThreatStatement`,
 * `getFieldContentByToken`, `renderArrayField` and `correctIndefiniteArticle`): the template is chosen by which
 * fields are filled, "a"/"an" follow the next word (Threat Composer uses the `indefinite` package too), lists
 * join with ", " and a final " and " (" and/or " for impacted goals), and blanks collapse.
 */
export interface TcStatementFields {
  threatSource?: string;
  prerequisites?: string;
  threatAction?: string;
  threatImpact?: string;
  impactedGoal?: string[];
  impactedAssets?: string[];
}

const IMPACT = 8;
const GOAL = 16;
const ASSETS = 32;

/** Templates by the sum of filled field ids (source 1, prerequisites 2, action 4 are always filled). */
const TEMPLATES: Record<number, string> = {
  7: "A [threat_source] [prerequisites] can [threat_action]",
  15: "A [threat_source] [prerequisites] can [threat_action], which leads to [threat_impact]",
  23: "A [threat_source] [prerequisites] can [threat_action], resulting in reduced [impacted_goal]",
  31: "A [threat_source] [prerequisites] can [threat_action], which leads to [threat_impact], resulting in reduced [impacted_goal]",
  39: "A [threat_source] [prerequisites] can [threat_action], negatively impacting [impacted_assets]",
  47: "A [threat_source] [prerequisites] can [threat_action], which leads to [threat_impact], negatively impacting [impacted_assets]",
  55: "A [threat_source] [prerequisites] can [threat_action], resulting in reduced [impacted_goal] of [impacted_assets]",
  63: "A [threat_source] [prerequisites] can [threat_action], which leads to [threat_impact], resulting in reduced [impacted_goal] of [impacted_assets]",
};

function joinList(items: readonly string[], or: boolean): string {
  if (items.length <= 1) return items[0] ?? "";
  return `${items.slice(0, -1).join(", ")}${or ? " and/or " : " and "}${items.at(-1)}`;
}

/** "a" or "an" as Threat Composer corrects them: by the word that follows, keeping the article's case. */
function correctArticles(text: string): string {
  return text.replace(/\b(a|an) ([\s("'“‘-]?\w*)\b/gim, (_m, article: string, following: string) => {
    const word = following.replace(/^[\s("'“‘-]+|\s+$/g, "");
    return `${indefinite(word, { capitalize: article.startsWith("A"), articleOnly: true })} ${following}`;
  });
}

/** The statement Threat Composer writes for these fields (empty when none is filled). */
export function composeTcStatement(fields: TcStatementFields): string {
  const goal = fields.impactedGoal ?? [];
  const assets = fields.impactedAssets ?? [];
  if (
    !fields.threatSource &&
    !fields.prerequisites &&
    !fields.threatAction &&
    !fields.threatImpact &&
    goal.length === 0 &&
    assets.length === 0
  )
    return "";
  const content: Record<string, string> = {
    threat_source: fields.threatSource || "threat source",
    prerequisites: fields.prerequisites || "",
    threat_action: fields.threatAction || "perform a threat action",
    threat_impact: fields.threatImpact ?? "",
    impacted_goal: joinList(goal, true),
    impacted_assets: joinList(assets, false),
  };
  const combination =
    7 + (fields.threatImpact ? IMPACT : 0) + (goal.length > 0 ? GOAL : 0) + (assets.length > 0 ? ASSETS : 0);
  const parts: string[] = [];
  let template = TEMPLATES[combination]!;
  for (let start = template.indexOf("["); start >= 0; start = template.indexOf("[")) {
    const end = template.indexOf("]");
    let before = template.slice(0, start);
    const token = template.slice(start + 1, end);
    const value = correctArticles(content[token] ?? "");
    if (before === "A ") before = `${indefinite(value, { capitalize: true, articleOnly: true })} `;
    parts.push(correctArticles(before), value);
    template = template.slice(end + 1);
  }
  return parts.join(" ").replace(/\s\s+/g, " ").replace(/ ,/g, ",");
}
