import { describe, expect, it } from "vitest";
import { EXPORT_FORMATS as SERVER_FORMATS } from "@threatline/reports";
import { EXPORT_FORMATS } from "./client.ts";

describe("the export menu's formats", () => {
  it("are the formats the API serves (registered in @threatline/reports), no more, no fewer", () => {
    expect([...EXPORT_FORMATS].sort()).toEqual([...SERVER_FORMATS].sort());
  });
});
