import { describe, expect, it } from "vitest";
import { isLoopbackHost, openMetricsRefusal } from "./metrics-auth.ts";

describe("an open /metrics is for loopback only", () => {
  it("knows loopback addresses from the others", () => {
    for (const host of ["127.0.0.1", "127.0.0.53", "localhost", "LOCALHOST", "::1", "[::1]", "::ffff:127.0.0.1"])
      expect(isLoopbackHost(host), host).toBe(true);
    for (const host of [
      "0.0.0.0",
      "::",
      "",
      "10.0.0.5",
      "192.168.1.20",
      "example.com",
      "127.0.0.1.example.com",
      "::ffff:10.0.0.1",
    ])
      expect(isLoopbackHost(host), host).toBe(false);
  });

  it("refuses an open /metrics on any other interface, and says what to set", () => {
    expect(openMetricsRefusal({ host: "127.0.0.1", setting: "HOST" }, undefined)).toBeUndefined();
    expect(openMetricsRefusal({ host: "0.0.0.0", setting: "HOST" }, "scrape-7f3Kq9Lm2Xv8Rt4Wz1")).toBeUndefined();
    const refusal = openMetricsRefusal({ host: "0.0.0.0", setting: "WORKER_METRICS_HOST" }, undefined);
    expect(refusal).toContain("WORKER_METRICS_HOST=0.0.0.0");
    expect(refusal).toContain("Set METRICS_TOKEN");
    expect(openMetricsRefusal({ host: "", setting: "HOST" }, undefined)).toContain("HOST=(all interfaces)");
  });
});
