#!/usr/bin/env node
// `npm start`: builds what is missing, then runs API + worker + SPA in one process (apps/server).
// `npm run dev`: the same with reload — the server restarts on change and Vite serves the SPA with HMR.
import { spawn } from "node:child_process";
import { ensurePrismaClient, ensureWebBuild, root } from "./lib.mjs";

const dev = process.argv.includes("--dev");
ensurePrismaClient();
const children = [];
if (dev) {
  children.push(spawn("npm", ["run", "dev", "-w", "@threatline/web"], { cwd: root, stdio: "inherit" }));
  children.push(
    spawn(process.execPath, ["--import", "tsx", "--watch", "apps/server/src/main.ts"], { cwd: root, stdio: "inherit" }),
  );
} else {
  ensureWebBuild();
  children.push(
    spawn(process.execPath, ["--import", "tsx", "apps/server/src/main.ts"], { cwd: root, stdio: "inherit" }),
  );
}
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => children.forEach((c) => c.kill(signal)));
}
for (const child of children) {
  child.on("exit", (code) => {
    children.forEach((c) => c !== child && c.kill("SIGTERM"));
    process.exitCode = code ?? 0;
  });
}
