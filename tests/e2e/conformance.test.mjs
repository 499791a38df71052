// The conformance scenarios (tests/scenarios/*.scenario) in the SQLite page: each step runs
// through real Alembic 1.20.1 in a folder and through `window.playground.run(...)` in the page
// (tests/e2e/scenarios.mjs), and exit code, stdout, stderr, the schema and the version table
// must match.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPlayground } from './browser.mjs';
import { runScenario } from './scenarios.mjs';

for (const name of (process.env.ONLY ? [process.env.ONLY] : ['linear_chain', 'branched', 'identifiers', 'broken_input', 'ops', 'types', 'failures', 'batch_failure', 'batch_constraints', 'transactional', 'autogen_typed', 'autogen_batch', 'autogen_core', 'autogen_removals'])) {
  test(`scenario ${name} in the page matches real Alembic`, async () => {
    const playground = await openPlayground();
    try {
      await playground.page.goto(playground.server.url);
      await playground.page.waitForFunction(() => window.playground && window.playground.ready === true);
      const mismatches = await runScenario(playground.page, name);
      assert.deepEqual(mismatches, []);
      assert.deepEqual(playground.consoleErrors, []);
    } finally {
      await playground.close();
    }
  });
}
