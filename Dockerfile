# syntax=docker/dockerfile:1
# The team server (`tiny-backspace serve`) with its run store in Redis: see compose.yaml and the README,
# "Running the team server". Build: docker build -t tiny-backspace .

# --- build: every dependency, the type-free production bundle ------------------------------------
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY esbuild.js tsconfig.json ./
COPY src ./src
COPY media ./media
RUN npm run build

# --- production node_modules only ------------------------------------------------------------------
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# --- runtime: dist/, production node_modules, git and bubblewrap, a non-root user ------------------
FROM node:20-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends git bubblewrap ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system tiny && useradd --system --gid tiny --create-home --home-dir /home/tiny tiny \
 && mkdir -p /var/log/tiny-backspace && chown tiny:tiny /var/log/tiny-backspace
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY --chmod=0755 docker/entrypoint.sh /usr/local/bin/tiny-backspace-entrypoint
ENV NODE_ENV=production \
    TINY_BACKSPACE_PORT=8787 \
    TINY_BACKSPACE_LOG_DIR=/var/log/tiny-backspace
USER tiny
# The server listens on 127.0.0.1 inside the container by design (Host and Origin checks against DNS
# rebinding): publish it through a reverse proxy in the container's network namespace (compose.yaml).
EXPOSE 8787
# Liveness without the token: `/health` answers 200 with `status` "ok" (or "stopping" while it drains).
HEALTHCHECK --interval=15s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.TINY_BACKSPACE_PORT + '/health').then(async (r) => process.exit(r.ok && (await r.json()).status === 'ok' ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["tiny-backspace-entrypoint"]
CMD ["serve"]
