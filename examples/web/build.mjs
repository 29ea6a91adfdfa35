// Bundles src/main.ts and the generated code into one minified app.js beside the page's index.html
// in the examples' resources, where the rpc-examples jar serves it from (`web` example). The bundle
// is committed so that the jar works from a fresh clone without Node; test.sh builds it again into
// a temporary folder and fails when the committed one differs.
//
//   node build.mjs [OUT_DIR]   (default: ../src/main/resources/rpc/examples/web/page)
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const outDir = process.argv[2] ?? path.join(here, "../src/main/resources/rpc/examples/web/page");

await build({
  entryPoints: [path.join(here, "src/main.ts")],
  outfile: path.join(outDir, "app.js"),
  bundle: true,
  minify: true,
  format: "iife",
  target: "es2022",
  legalComments: "none",
  banner: { js: "// Built by examples/web/build.mjs from examples/web/src/main.ts: edit that and run `npm run build` there." },
  logLevel: "warning",
});
