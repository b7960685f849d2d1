# One image for both services (api and worker); the command picks which. Runs TypeScript from sources with tsx,
# exactly as on a developer machine (`node --import tsx …`), so there is no separate build of the back end.
FROM node:20-bookworm-slim

ENV NODE_ENV=production \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false \
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
WORKDIR /app

# Dependencies first, for the layer cache: every workspace's manifest, then `npm ci` from the lock. Install
# scripts are skipped as on the developer machines (npm 11's default): the native pieces we need (esbuild,
# argon2, rollup) come as prebuilt optional packages, and Prisma runs without native engines.
COPY package.json package-lock.json .npmrc ./
COPY apps/api/package.json apps/api/
COPY apps/worker/package.json apps/worker/
COPY apps/server/package.json apps/server/
COPY apps/web/package.json apps/web/
COPY apps/cli/package.json apps/cli/
COPY packages/ packages/
RUN npm ci --ignore-scripts --include=dev

COPY . .
# The Prisma client (WebAssembly query compiler, no engine download) and the SPA the API serves.
RUN npm run db:generate && npm run build -w @threatline/web

ENV HOST=0.0.0.0 \
    PORT=8080 \
    WEB_DIST=/app/apps/web/dist
USER node
EXPOSE 8080
# The api service; docker-compose.yml overrides the command for workers.
CMD ["sh", "-c", "npm run db:migrate && exec node --import tsx apps/api/src/main.ts"]
