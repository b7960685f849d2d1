#!/usr/bin/env node
// The CLI runs straight from its TypeScript sources (through tsx), so `npx threatline` works right after `npm ci`.
import { register } from "tsx/esm/api";

register();
await import("../src/main.ts");
