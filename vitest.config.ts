import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Statistical tests run whole simulations; each is sized to its tolerance, not to this bound.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
