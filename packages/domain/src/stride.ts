import { z } from "zod";

/** The six STRIDE categories, spelled as every export and API spells them. */
export const STRIDE_CATEGORIES = [
  "Spoofing",
  "Tampering",
  "Repudiation",
  "InformationDisclosure",
  "DenialOfService",
  "ElevationOfPrivilege",
] as const;

export const StrideCategorySchema = z.enum(STRIDE_CATEGORIES);
export type StrideCategory = z.infer<typeof StrideCategorySchema>;

/** Human labels for people; machines use the enum values. */
export const STRIDE_LABELS: Record<StrideCategory, string> = {
  Spoofing: "Spoofing",
  Tampering: "Tampering",
  Repudiation: "Repudiation",
  InformationDisclosure: "Information disclosure",
  DenialOfService: "Denial of service",
  ElevationOfPrivilege: "Elevation of privilege",
};

/**
 * Reads a category the way people and older tools write it ("Information Disclosure",
 * "denial-of-service", "EoP" is not accepted: only the six names in any case and spacing).
 */
export function parseStrideCategory(value: string): StrideCategory | undefined {
  const key = value.replace(/[\s_-]+/g, "").toLowerCase();
  return STRIDE_CATEGORIES.find((c) => c.toLowerCase() === key);
}
