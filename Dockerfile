# sidbot in a container. Build: docker build -t sidbot .   Run: see compose.yaml.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
COPY config ./config
# npm ci runs "prepare" (the TypeScript build); then drop the dev tools.
RUN npm ci --no-audit --no-fund && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app /app
USER node
# Health, metrics and readiness (set HEALTH_PORT=9090 to enable).
EXPOSE 9090
CMD ["node", "bin/sidbot.js"]
