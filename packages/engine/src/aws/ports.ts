import { isUnresolved } from "../graph/types.ts";
import type { PortRule } from "./kinds/network.ts";

export const WORLD = ["0.0.0.0/0", "::/0"];

export function isWorld(cidr: unknown): boolean {
  return typeof cidr === "string" && WORLD.includes(cidr.trim());
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
