// The conformance scenarios that run against PostgreSQL natively (tests/conformance.rs:
// `on_postgresql!` and `postgresql_online`), here in the PostgreSQL page on PGlite, against
// real Alembic 1.20.1 on a real PostgreSQL server (`$ALEMBIC_PG_URL`, which scripts/test
// starts): exit code, stdout, stderr, the schema read from `pg_catalog` and the version table
// must match. (The scenario of unreachable servers has no place in the page, nor the steps
// with wrong credentials: PGlite is always there, and has no password to check.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { openPlayground, repoRoot } from './browser.mjs';
import { runScenario } from './scenarios.mjs';

const server = process.env.ALEMBIC_PG_URL
  ?? spawnSync(path.join(repoRoot, 'scripts/pg-cluster'), ['start']).stdout.toString().trim();

const scenarios = process.env.ONLY ? [process.env.ONLY]
  : ['linear_chain', 'branched', 'identifiers', 'transactional', 'broken_input', 'naming_convention', 'failures',
    'postgresql_online', 'postgresql_autogen'];

/// `postgresql_online` ends with wrong credentials: PGlite in the page has none to check.
const credentials = (step) => step.replace === 'alembic.ini' && step.from === 'alembic:alembic@';

// PostgreSQL's `--sql` scenarios need no database: the PostgreSQL page prints the same SQL.
const offline = process.env.ONLY_OFFLINE ? [process.env.ONLY_OFFLINE]
  : process.env.ONLY ? [] : ['postgresql_offline', 'postgresql_dialect', 'postgresql_more'];

for (const name of offline) {
  test(`scenario ${name} (--sql) in the PostgreSQL page matches real Alembic`, async () => {
    const playground = await openPlayground();
    try {
      await playground.page.goto(`${playground.server.url}pg/`);
      await playground.page.waitForFunction(() => window.playground && window.playground.ready === true);
      const mismatches = await runScenario(playground.page, name);
      assert.deepEqual(mismatches, []);
      assert.deepEqual(playground.consoleErrors, []);
    } finally {
      await playground.close();
    }
  });
}

for (const name of process.env.ONLY_OFFLINE ? [] : scenarios) {
  test(`scenario ${name} on PGlite in the page matches real Alembic on PostgreSQL`, async () => {
    const playground = await openPlayground();
    try {
      await playground.page.goto(`${playground.server.url}pg/`);
      await playground.page.waitForFunction(() => window.playground && window.playground.ready === true);
      await playground.page.waitForFunction(() => window.playground.postgresql !== 'starting', null, { timeout: 120000 });
      assert.equal(await playground.page.evaluate(() => window.playground.postgresql), 'running');
      const mismatches = await runScenario(playground.page, name, { postgresql: server, stopBefore: credentials });
      assert.deepEqual(mismatches, []);
      assert.deepEqual(playground.consoleErrors, []);
    } finally {
      await playground.close();
    }
  });
}
