import { describe, expect, it } from "vitest";
import { ModelThreatListSchema, toolInputSchema } from "./schema.ts";

describe("tool schema", () => {
  it("is a JSON Schema object generated from the zod schema, with the STRIDE enum and required fields", () => {
    const schema = toolInputSchema() as {
      type: string;
      properties: { threats: { items: { properties: Record<string, { enum?: string[] }>; required: string[] } } };
      $schema?: string;
    };
    expect(schema.$schema).toBeUndefined();
    expect(schema.type).toBe("object");
    const item = schema.properties.threats.items;
    expect(item.properties.category!.enum).toEqual([
      "Spoofing",
      "Tampering",
      "Repudiation",
      "InformationDisclosure",
      "DenialOfService",
      "ElevationOfPrivilege",
    ]);
    expect(item.required).toEqual(
      expect.arrayContaining([
        "category",
        "title",
        "description",
        "resourceIds",
        "severity",
        "likelihood",
        "impact",
        "remediations",
      ]),
    );
    expect(item.required).not.toContain("ruleId");
  });

  it("rejects unknown categories, out-of-range ratings and threats without resources", () => {
    const base = {
      category: "Tampering",
      title: "Bucket writable",
      description: "d",
      resourceIds: ["A"],
      severity: "high",
      likelihood: 3,
      impact: 4,
      remediations: [{ text: "fix" }],
    };
    expect(ModelThreatListSchema.safeParse({ threats: [base] }).success).toBe(true);
    expect(ModelThreatListSchema.safeParse({ threats: [{ ...base, category: "Phishing" }] }).success).toBe(false);
    expect(ModelThreatListSchema.safeParse({ threats: [{ ...base, likelihood: 9 }] }).success).toBe(false);
    expect(ModelThreatListSchema.safeParse({ threats: [{ ...base, resourceIds: [] }] }).success).toBe(false);
    expect(ModelThreatListSchema.safeParse({ threats: [{ ...base, severity: "urgent" }] }).success).toBe(false);
  });
});
