import { describe, expect, it } from "vitest";
import { plural } from "./format.ts";

describe("plural", () => {
  it("says one thing in the singular and any other count in the plural", () => {
    expect(plural(1, "project")).toBe("1 project");
    expect(plural(0, "project")).toBe("0 projects");
    expect(plural(2, "version")).toBe("2 versions");
    expect(plural(1200, "threat")).toBe("1,200 threats");
    expect(plural(2, "analysis", "analyses")).toBe("2 analyses");
  });
});
