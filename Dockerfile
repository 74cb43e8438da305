# syntax=docker/dockerfile:1
# Production image: compiled JavaScript and production dependencies only, running as an unprivileged user.
# Needs DATABASE_URL (the application role), TRUSTED_ISSUERS_FILE, PSEUDONYM_KEY_FILE, AUDIT_KEY_FILE and EVENT_SOURCE (see
# docs/configuration.md); it refuses to start without them. With DATABASE_OWNER_URL it applies migrations at
# start-up; or run `node dist/src/cli/migrate.js` with DATABASE_OWNER_URL first to do it separately.

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json vite.config.ts ./
COPY src ./src
COPY migrations ./migrations
COPY openapi-bridge ./openapi-bridge
# The server (tsc) and the planner console's static files (vite, into dist/console).
RUN npx tsc -p tsconfig.build.json && npx vite build --logLevel warn

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=4000 \
    HOST=0.0.0.0
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
USER node
EXPOSE 4000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
STOPSIGNAL SIGTERM
CMD ["node", "--enable-source-maps", "dist/src/main.js"]
