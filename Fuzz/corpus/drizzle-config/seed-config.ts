import { defineConfig } from "drizzle-kit";
export default defineConfig({
  // out: "./old",
  out: "./src/db/migrations",
});
