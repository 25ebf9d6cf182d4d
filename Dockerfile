# usersync as a service: the API (webhook receiver, fallback sync, health) serving the built web app.
# docker build --build-arg CLERK_PUBLISHABLE_KEY=pk_… -t usersync .   (or: docker compose up, see compose.yaml)
# The publishable key is compiled into the web app, and the API refuses to serve a build made with
# another key than its CLERK_PUBLISHABLE_KEY: pass the same value at build and at run time.

# --- build: the same install and build the tests and `npm run build` run ---------------------------
FROM node:24-bookworm-slim AS build
WORKDIR /repo
# pnpm straight from the npm registry (corepack needs registry signatures; see docs/decisions/001).
RUN npm install --global --no-audit --no-fund pnpm@10.34.9
# Manifests first, so the dependency layer is reused while only sources change.
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
COPY apps/api/package.json apps/api/
COPY apps/cli/package.json apps/cli/
COPY apps/web/package.json apps/web/
COPY packages/core/package.json packages/core/
COPY packages/config/package.json packages/config/
COPY packages/testing/package.json packages/testing/
COPY packages/package-tests/package.json packages/package-tests/
COPY bench/package.json bench/
COPY scripts/package.json scripts/
RUN pnpm install --frozen-lockfile
COPY . .
ARG CLERK_PUBLISHABLE_KEY
ENV CLERK_PUBLISHABLE_KEY=${CLERK_PUBLISHABLE_KEY}
RUN pnpm exec turbo run build --filter=@usersync/api --filter=@usersync/web
# The API's production dependencies only (its bundle keeps npm packages external: decision 015).
RUN pnpm --filter @usersync/api deploy --prod --legacy /out/api \
  && cp -r apps/api/dist /out/api/dist \
  && cp -r apps/web/dist /out/web

# --- run: Node, the bundle, its production dependencies, the web app; as the unprivileged `node` user -
FROM node:24-bookworm-slim AS run
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    WEB_DIST_DIR=/app/web \
    DATA_DIR=/data/pglite
WORKDIR /app
COPY --from=build --chown=node:node /out/api ./
COPY --from=build --chown=node:node /out/web ./web
# Only used without DATABASE_URL (the embedded database, one container at a time).
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Migrates on start (MIGRATE_ON_START=true); SIGTERM finishes in-flight requests, then exits.
CMD ["node", "--max-semi-space-size=8", "--heap-growing-percent=20", "dist/server.js"]
