import { isUnresolved } from "../graph/types.ts";
import type { PortRule } from "./kinds/network.ts";

export const WORLD = ["0.0.0.0/0", "::/0"];

/** `0.0.0.0/0`, `::/0`, and any `/0` whatever its address part (`192.168.1.0/0` is the whole internet too). */
export function isWorld(cidr: unknown): boolean {
  return typeof cidr === "string" && (WORLD.includes(cidr.trim()) || /^[0-9a-f.:]+\/0$/i.test(cidr.trim()));
}

export function allProtocols(rule: PortRule): boolean {
  return rule.protocol === "-1";
}

/** Whether a rule lets a TCP/UDP port through (unknown protocols or ports do not count). */
export function opensPort(rule: PortRule, port: number): boolean {
  if (allProtocols(rule)) return true;
  if (rule.protocol !== "tcp" && rule.protocol !== "udp") return false;
  if (isUnresolved(rule.from) || isUnresolved(rule.to)) return false;
  const from = typeof rule.from === "number" ? rule.from : undefined;
  const to = typeof rule.to === "number" ? rule.to : from;
  if (from === undefined || to === undefined) return false;
  if (from === -1) return true;
  return from <= port && port <= to;
}

/** Every port (all protocols, or TCP 0–65535). */
export function opensEverything(rule: PortRule): boolean {
  if (allProtocols(rule)) return true;
  return rule.protocol === "tcp" && (rule.from === 0 || rule.from === -1) && (rule.to === 65535 || rule.to === -1);
}

export function portCount(rule: PortRule): number {
  if (allProtocols(rule)) return 65536;
  if (typeof rule.from !== "number" || typeof rule.to !== "number") return 0;
  return rule.to - rule.from + 1;
}

export function worldIngress(sgAttrs: Record<string, unknown>): PortRule[] {
  return ((sgAttrs.ingress as PortRule[] | undefined) ?? []).filter((r) => isWorld(r.cidr));
}

export function describePorts(rule: PortRule): string {
  if (allProtocols(rule)) return "all ports";
  const from = typeof rule.from === "number" ? String(rule.from) : "?";
  const to = typeof rule.to === "number" ? String(rule.to) : "?";
  return from === to ? `port ${from}` : `ports ${from}-${to}`;
}

/** Address ranges that are not the public internet: RFC 1918, shared (CGNAT), loopback, link-local, ULA. */
const PRIVATE_V4: Array<[number, number]> = [
  [0x0a000000, 8],
  [0xac100000, 12],
  [0xc0a80000, 16],
  [0x64400000, 10],
  [0x7f000000, 8],
  [0xa9fe0000, 16],
];

function v4(cidr: string): { base: number; prefix: number } | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr.trim());
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  if (octets.some((o) => o > 255)) return undefined;
  const base = ((octets[0]! << 24) >>> 0) + (octets[1]! << 16) + (octets[2]! << 8) + octets[3]!;
  return { base, prefix: Number(m[5]) };
}

/**
 * A source no one controls: the whole internet, or a public range so wide it is someone else's network
 * (`52.0.0.0/8`, `0.0.0.0/1`; IPv6 prefixes of /16 or wider). Private ranges and a single office's range are
 * trusted.
 */
export function isUntrusted(cidr: unknown): boolean {
  if (typeof cidr !== "string") return false;
  if (isWorld(cidr)) return true;
  const c = cidr.trim();
  const four = v4(c);
  if (four) {
    if (four.prefix > 8) return false;
    return !PRIVATE_V4.some(
      ([base, prefix]) => four.prefix >= prefix && four.base >>> (32 - prefix) === base >>> (32 - prefix),
    );
  }
  const six = /^([0-9a-f:]+)\/(\d{1,3})$/i.exec(c);
  if (six) {
    if (Number(six[2]) > 16) return false;
    return !/^f[cd]|^fe[89ab]|^::1?$/i.test(six[1]!);
  }
  return false;
}

/** "the internet" or "52.0.0.0/8 (a public range of 16,777,216 addresses)". */
export function describeSource(cidr: unknown): string {
  if (typeof cidr !== "string") return "?";
  if (isWorld(cidr)) return `${cidr.trim()} (the internet)`;
  const four = v4(cidr);
  if (four) return `${cidr.trim()} (a public range of ${(2 ** (32 - four.prefix)).toLocaleString("en-US")} addresses)`;
  return `${cidr.trim()} (a public IPv6 range)`;
}
