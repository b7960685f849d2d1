import { describe, expect, it } from "vitest";
import { endOfDaySeries, weekOf, windowDays } from "./dashboard.service.ts";

describe("dashboard date helpers", () => {
  it("starts ISO weeks on Monday in UTC, as date_trunc('week') does", () => {
    expect(weekOf(new Date("2026-12-03T00:00:00Z"))).toBe("2026-11-30"); // Thursday
    expect(weekOf(new Date("2026-12-06T00:00:00Z"))).toBe("2026-11-30"); // Sunday closes the week
    expect(weekOf(new Date("2026-12-07T00:00:00Z"))).toBe("2026-12-07"); // Monday opens the next
    expect(weekOf(new Date("2027-01-01T00:00:00Z"))).toBe("2026-12-28"); // across a year end
  });

  it("carries each day's closing risk forward, from the anchor before the window", () => {
    const window = windowDays(new Date("2026-12-05T12:00:00Z"), 4);
    expect(window).toEqual(["2026-12-02", "2026-12-03", "2026-12-04", "2026-12-05"]);
    const closes = [
      { at: new Date("2026-12-03T00:00:00Z"), riskScore: 10 },
      { at: new Date("2026-12-05T00:00:00Z"), riskScore: 4 },
    ];
    expect(endOfDaySeries(window, closes, 7)).toEqual([7, 10, 10, 4]);
  });
});
