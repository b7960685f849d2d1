import { type FunctionTagSpec, functionTags } from "../core/index.ts";

/** `!GetAtt Resource.Attr.Sub` → `["Resource", "Attr.Sub"]`: the attribute keeps its dots. */
function getAttArgs(value: string): string[] {
  const dot = value.indexOf(".");
  return dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)];
}

const SPECS: FunctionTagSpec[] = [
  { tag: "!Ref", name: "Ref" },
  { tag: "!Condition", name: "Condition" },
  { tag: "!GetAtt", name: "Fn::GetAtt", scalar: getAttArgs },
  ...[
    "Sub",
    "Join",
    "If",
    "Select",
    "Split",
    "FindInMap",
    "Base64",
    "Cidr",
    "ImportValue",
    "GetAZs",
    "Equals",
    "And",
    "Or",
    "Not",
    "Transform",
    "ToJsonString",
    "Length",
  ].map((name) => ({ tag: `!${name}`, name: `Fn::${name}` })),
];

/** CloudFormation's short-form tags, each read as its long `Fn::` form. */
export const CFN_TAGS = functionTags(SPECS);
