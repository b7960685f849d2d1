import { describe, expect, it } from "vitest";
import { blockedAddressReason, webhookUrlProblem } from "./webhooks.ts";

describe("webhook address policy (SSRF)", () => {
  it("blocks loopback, private, link-local, unique-local, mapped and unspecified addresses", () => {
    for (const ip of [
      "127.0.0.1",
      "10.1.2.3",
      "172.16.0.1",
      "192.168.1.1",
      "169.254.169.254",
      "100.64.0.1",
      "0.0.0.0",
      "::1",
      "fe80::1",
      "fd00::1",
      "::ffff:127.0.0.1",
      "::",
    ])
      expect(blockedAddressReason(ip), ip).not.toBeNull();
    for (const ip of ["93.184.216.34", "2606:4700:4700::1111"]) expect(blockedAddressReason(ip), ip).toBeNull();
  });

  it("checks a URL's scheme, credentials and literal host before any lookup", () => {
    expect(webhookUrlProblem("https://hooks.slack.com/services/T/B/x", false)).toBeNull();
    expect(webhookUrlProblem("http://127.0.0.1:8080/x", false)).toMatch(/loopback/);
    expect(webhookUrlProblem("http://[::1]/x", false)).toMatch(/loopback/);
    expect(webhookUrlProblem("http://0x7f.1/x", false)).toMatch(/loopback/);
    expect(webhookUrlProblem("http://LOCALHOST/x", false)).toMatch(/loopback/);
    expect(webhookUrlProblem("http://api.localhost/x", false)).toMatch(/loopback/);
    expect(webhookUrlProblem("http://10.0.0.5/x", false)).toMatch(/private/);
    expect(webhookUrlProblem("http://127.0.0.1:8080/x", true)).toBeNull();
    expect(webhookUrlProblem("file:///etc/passwd", true)).toMatch(/http/);
    expect(webhookUrlProblem("https://user:pw@example.com/x", true)).toMatch(/credentials/);
  });
});
