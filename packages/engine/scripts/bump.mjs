#!/usr/bin/env node
// Bumps the engine's patch version when its rule sources changed since the last entry of
// test/rules.lock.json: packages/engine/package.json, the root package-lock.json and the lock entry.
// Prints what it did; does nothing when the digest is already recorded as the latest.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { engineDir, lockPath, rulesDigest } from "./rules-digest.mjs";

const readJson = (path) => JSON.parse(readFileSync(path, "utf8"));
const writeJson = (path, value) => writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);

const lock = readJson(lockPath);
const digest = rulesDigest();
if (lock.at(-1)?.rulesDigest === digest) {
  console.log(`engine ${lock.at(-1).engineVersion}: rules unchanged`);
  process.exit(0);
}
const pkgPath = join(engineDir, "package.json");
const pkg = readJson(pkgPath);
const [major, minor, patch] = pkg.version.split(".").map(Number);
let next = `${major}.${minor}.${patch + 1}`;
while (lock.some((e) => e.engineVersion === next)) next = `${major}.${minor}.${Number(next.split(".")[2]) + 1}`;
pkg.version = next;
writeJson(pkgPath, pkg);
const rootLockPath = join(engineDir, "../../package-lock.json");
const rootLock = readJson(rootLockPath);
rootLock.packages["packages/engine"].version = next;
writeJson(rootLockPath, rootLock);
lock.push({ engineVersion: next, rulesDigest: digest });
writeJson(lockPath, lock);
console.log(`engine ${next}: rules digest ${digest}`);
