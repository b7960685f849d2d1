import { describe, expect, it } from "vitest";
import { formatBytes } from "./units.ts";

describe("formatBytes", () => {
  it("writes sizes in binary units, rounded down, with two decimals below 10", () => {
    expect(formatBytes(0)).toBe("0 bytes");
    expect(formatBytes(1)).toBe("1 byte");
    expect(formatBytes(1023)).toBe("1023 bytes");
    expect(formatBytes(1536)).toBe("1.5 KB");
    expect(formatBytes(5 * 1024 * 1024)).toBe("5 MB");
    expect(formatBytes(5 * 1024 * 1024 + 30_000)).toBe("5.02 MB");
    expect(formatBytes(5 * 1024 * 1024 + 1)).toBe("5 MB");
    expect(formatBytes(50 * 1024 * 1024)).toBe("50 MB");
    expect(formatBytes(12.345 * 1024 * 1024)).toBe("12.3 MB");
  });
});
