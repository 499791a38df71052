// The conformance scenarios that run against PostgreSQL natively (tests/conformance.rs:
// `on_postgresql!` and `postgresql_online`), here in the PostgreSQL page on PGlite, against
// real Alembic 1.20.1 on a real PostgreSQL server (`$ALEMBIC_PG_URL`, which scripts/test
// starts): exit code, stdout, stderr, the schema read from `pg_catalog` and the version table
// must match. (The scenario of unreachable servers has no place in the page: PGlite is always
// there.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { openPlayground, repoRoot } from './browser.mjs';
import { runScenario } from './scenarios.mjs';

const server = process.env.ALEMBIC_PG_URL
  ?? spawnSync(path.join(repoRoot, 'scripts/pg-cluster'), ['start']).stdout.toString().trim();

const scenarios = process.env.ONLY ? [process.env.ONLY]
  : ['linear_chain', 'branched', 'identifiers', 'transactional', 'broken_input', 'naming_convention', 'failures'];

for (const name of scenarios) {
  test(`scenario ${name} on PGlite in the page matches real Alembic on PostgreSQL`, async () => {
    const playground = await openPlayground();
    try {
      await playground.page.goto(`${playground.server.url}pg/`);
      await playground.page.waitForFunction(() => window.playground && window.playground.ready === true);
      await playground.page.waitForFunction(() => window.playground.postgresql !== 'starting', null, { timeout: 120000 });
      assert.equal(await playground.page.evaluate(() => window.playground.postgresql), 'running');
      const mismatches = await runScenario(playground.page, name, { postgresql: server });
      assert.deepEqual(mismatches, []);
      assert.deepEqual(playground.consoleErrors, []);
    } finally {
      await playground.close();
    }
  });
}
