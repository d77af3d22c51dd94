# syntax=docker/dockerfile:1
# support-triage: build with the dev dependencies, run with the production ones only.
#   docker build -t support-triage .
#   docker run -p 3000:3000 -e APP_ID=… -e WEBHOOK_SECRET=… \
#     -e PRIVATE_KEY_PATH=/run/secrets/app.pem -v "$PWD/app.pem:/run/secrets/app.pem:ro" support-triage
# (or `docker compose up`, compose.yaml: the app with Redis, credentials from .env).
# The base image's Node major matches package.json "engines" (test/deploy/dockerfile.test.ts
# checks it); test/deploy/install.test.ts performs the runtime stage's steps in a clean
# directory and starts the server. docs/deploy.md has the rest.

# ---- stage 1: compile TypeScript (dev dependencies) -------------------------------------
FROM node:20-bookworm-slim AS build
WORKDIR /app
# Dependencies first, so this layer is reused until the lockfile changes. `prepare` does not
# build here (no src/ yet); the build is the explicit step below.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src/ src/
RUN npm run build

# ---- stage 2: runtime (production dependencies, no compiler) ----------------------------
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
WORKDIR /app
# `npm ci --omit=dev` runs the package's `prepare`, which builds nothing without TypeScript
# and src/: the compiled lib/ comes from the build stage.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/lib/ lib/
COPY bin/ bin/
COPY app.yml ./
# The official image's unprivileged user (uid 1000); the app writes nothing to disk.
USER node
EXPOSE 3000
# Liveness only (the process answers HTTP); /readyz is for orchestrators' readiness probes.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# SIGTERM drains: deliveries in flight and the sweep's current item finish within
# SUPPORT_TRIAGE_SHUTDOWN_GRACE_MS (default 25 s), then exit 0. Give the container longer
# than that before SIGKILL (`docker stop -t 30`, compose `stop_grace_period: 30s`).
STOPSIGNAL SIGTERM
CMD ["node", "lib/main.js"]
