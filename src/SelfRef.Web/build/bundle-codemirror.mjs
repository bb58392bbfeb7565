// Bundles build/codemirror.mjs into one ES module for the experiment editor's code view.
// Usage: node build/bundle-codemirror.mjs <output file>
import { build } from "esbuild";

const output = process.argv[2];
if (!output) {
  console.error("usage: node build/bundle-codemirror.mjs <output file>");
  process.exit(2);
}
await build({
  entryPoints: [new URL("./codemirror.mjs", import.meta.url).pathname],
  bundle: true,
  format: "esm",
  minify: true,
  legalComments: "linked",
  outfile: output,
  logLevel: "warning",
});
