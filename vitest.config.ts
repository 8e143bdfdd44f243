import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/globalSetup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Tests never write the title-index cache into the home folder; the cache tests pass their own folder.
    env: { TITLE_INDEX_CACHE_DIR: "off" },
  },
});
