// The PostgreSQL page (dist/pg/): PGlite (real PostgreSQL compiled to WebAssembly) behind the
// engine, loaded only there. A learner's command typed while PGlite starts waits and runs
// once it has started; migrations run with PostgreSQL's transactional DDL; a PGlite that
// cannot load says so and SQLite keeps working; the SQLite page never fetches any of it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import fs from 'node:fs';
import os from 'node:os';
import { spawnSync } from 'node:child_process';
import { openPlayground, gotoReady, terminalText, artifacts, repoRoot } from './browser.mjs';

const alembic = process.env.ALEMBIC_BIN ?? path.join(repoRoot, '.venv/bin/alembic');
/// The real PostgreSQL server the export is checked on (scripts/test starts it).
const server = process.env.ALEMBIC_PG_URL
  ?? spawnSync(path.join(repoRoot, 'scripts/pg-cluster'), ['start']).stdout.toString().trim();

const POSTGRESQL_URL = 'postgresql://scott:tiger@localhost/app';

function revision(id, down, message, upgrade, downgrade) {
  return `"""${message}

Revision ID: ${id}
Revises: ${down ?? ''}
Create Date: 2026-12-07 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = '${id}'
down_revision = ${down ? `'${down}'` : 'None'}
branch_labels = None
depends_on = None


def upgrade():
${upgrade}


def downgrade():
${downgrade}
`;
}

/// Points the project's alembic.ini at `url`.
async function useUrl(page, url) {
  await page.evaluate((url) => {
    const ini = window.playground.readFile('alembic.ini');
    window.playground.writeFile('alembic.ini', ini.replace(/^sqlalchemy\.url = .*$/m, `sqlalchemy.url = ${url}`));
  }, url);
}

async function run(page, line) {
  return page.evaluate((line) => window.playground.run(line), line);
}

test('a PostgreSQL project runs on PGlite in the page; a command typed while it starts waits for it', async () => {
  const playground = await openPlayground();
  const { page, consoleErrors } = playground;
  try {
    await page.goto(`${playground.server.url}pg/`);
    await page.waitForFunction(() => window.playground && window.playground.ready === true);
    // PGlite is several MB and takes seconds to start: the page says so meanwhile.
    assert.equal(await page.evaluate(() => window.playground.postgresql), 'starting');
    await page.locator('.banner.postgresql', { hasText: 'Starting PostgreSQL in this page' }).waitFor();
    await page.screenshot({ path: path.join(artifacts, 'postgresql-starting.png') });
    await useUrl(page, POSTGRESQL_URL);
    await page.evaluate(([first, second]) => window.playground.writeFiles({
      'alembic/versions/a1_account.py': first,
      'alembic/versions/a2_broken.py': second,
    }), [
      revision('a1', null, 'account', "    op.create_table('account', sa.Column('id', sa.Integer, primary_key=True), sa.Column('name', sa.String(50), nullable=False))", "    op.drop_table('account')"),
      revision('a2', 'a1', 'broken', "    op.create_table('note', sa.Column('id', sa.Integer, primary_key=True))\n    op.execute('SELECT no_such_column FROM account')", "    op.drop_table('note')"),
    ]);
    // typed into the terminal before PGlite has started: it waits, then runs
    await page.fill('#terminal-input', 'alembic upgrade a1');
    await page.press('#terminal-input', 'Enter');
    await page.waitForFunction(() => window.playground.postgresql !== 'starting', null, { timeout: 120000 });
    assert.equal(await page.evaluate(() => window.playground.postgresql), 'running');
    await page.locator('.terminal-scroll', { hasText: 'Running upgrade  -> a1, account' }).waitFor();
    const text = await terminalText(page);
    assert.ok(text.includes('INFO  [alembic.runtime.migration] Context impl PostgresqlImpl.'), text);
    assert.ok(text.includes('INFO  [alembic.runtime.migration] Will assume transactional DDL.'), text);
    assert.equal(await page.locator('.banner.postgresql').count(), 0, 'the banner goes once PGlite runs');

    let output = await run(page, 'alembic current');
    assert.equal(output.exitCode, 0, output.stderr);
    assert.equal(output.stdout, 'a1\n');
    // The version table panel reads PostgreSQL.
    await page.locator('.version-table', { hasText: 'a1' }).waitFor();
    // A command on PostgreSQL leaves an undo point like one on SQLite (the next test undoes one).
    assert.equal(await page.locator('button', { hasText: 'Undo last command' }).isDisabled(), false);

    // Transactional DDL: the failing revision's CREATE TABLE is rolled back with it, and the
    // error is psycopg's, raised by the real PostgreSQL.
    output = await run(page, 'alembic upgrade head');
    assert.equal(output.exitCode, 1);
    assert.ok(output.stderr.includes('Running upgrade a1 -> a2, broken'), output.stderr);
    assert.ok(output.stderr.includes('sqlalchemy.exc.ProgrammingError: (psycopg.errors.UndefinedColumn) column "no_such_column" does not exist'), output.stderr);
    output = await run(page, "sql SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1");
    assert.equal(output.exitCode, 0, output.stderr);
    assert.equal(output.stdout, 'tablename\n---------------\naccount\nalembic_version\n(2 rows)\n');
    output = await run(page, 'sql SELECT version_num FROM alembic_version');
    assert.equal(output.stdout, 'version_num\n-----------\na1\n(1 row)\n');

    output = await run(page, 'alembic downgrade base');
    assert.equal(output.exitCode, 0, output.stderr);
    assert.ok(output.stderr.includes('Running downgrade a1 -> , account'), output.stderr);
    output = await run(page, "sql SELECT count(*) AS tables FROM pg_tables WHERE tablename = 'account'");
    assert.equal(output.stdout, 'tables\n------\n0\n(1 row)\n');
    output = await run(page, 'sql SELEC 1');
    assert.equal(output.exitCode, 1);
    assert.equal(output.stderr, 'sql: (psycopg.errors.SyntaxError) syntax error at or near "SELEC"\nLINE 1: SELEC 1\n        ^\n');
    await page.screenshot({ path: path.join(artifacts, 'postgresql-ran.png') });
    assert.deepEqual(consoleErrors, []);
  } finally {
    await playground.close();
  }
});

/// Waits until the PostgreSQL page's PGlite runs.
async function postgresqlRunning(page) {
  await page.waitForFunction(() => window.playground && window.playground.ready === true);
  await page.waitForFunction(() => window.playground.postgresql !== 'starting', null, { timeout: 120000 });
  assert.equal(await page.evaluate(() => window.playground.postgresql), 'running');
}

const ACCOUNTS = 'name\n-----\nada\ngrace\n(2 rows)\n';

/// The state a PostgreSQL project must come back with: its revision applied and its rows.
async function assertApplied(page, what) {
  let output = await run(page, 'alembic current');
  assert.equal(output.exitCode, 0, `${what}: ${output.stderr}`);
  assert.equal(output.stdout, 'c1 (head)\n', what);
  assert.ok(output.stderr.includes('Context impl PostgresqlImpl.'), `${what}: ${output.stderr}`);
  output = await run(page, 'sql SELECT name FROM account ORDER BY name');
  assert.equal(output.stdout, ACCOUNTS, what);
}

test('the database switch, a reload, undo, a share link and an embed carry a PostgreSQL project', async () => {
  const first = await openPlayground();
  const { page, consoleErrors } = first;
  const others = [];
  try {
    // On the SQLite page: a revision with data, applied to SQLite.
    await gotoReady(page, first.server.url);
    assert.equal(await page.locator('a.dialect-switch').getAttribute('aria-label'), 'Database: SQLite. Switch to PostgreSQL');
    await page.evaluate((text) => window.playground.writeFile('alembic/versions/c1_account.py', text),
      revision('c1', null, 'account',
        "    account = op.create_table('account', sa.Column('id', sa.Integer, primary_key=True), sa.Column('name', sa.String(50), nullable=False))\n    op.bulk_insert(account, [{'name': 'grace'}, {'name': 'ada'}])",
        "    op.drop_table('account')"));
    let output = await run(page, 'alembic upgrade head');
    assert.equal(output.exitCode, 0, output.stderr);

    // The switch: alembic.ini names PostgreSQL (the SQLite URL kept as a comment) and the
    // PostgreSQL page opens with the project.
    await Promise.all([
      page.waitForURL(/\/pg\/\?switch$/),
      page.locator('a.dialect-switch').click(),
    ]);
    await postgresqlRunning(page);
    // the query goes once the switch is made: a reload does not switch again
    assert.equal(await page.evaluate(() => location.search), '');
    const ini = await page.evaluate(() => window.playground.readFile('alembic.ini'));
    assert.ok(ini.includes('# sqlalchemy.url = sqlite:///%(here)s/app.db\nsqlalchemy.url = postgresql+psycopg://postgres:postgres@localhost/app\n'), ini);
    assert.equal(await page.locator('.dialect-switch button[aria-pressed="true"]').innerText(), 'PostgreSQL');
    assert.ok((await terminalText(page)).includes('Switched to PostgreSQL'));
    output = await run(page, 'alembic current');
    assert.equal(output.stdout, '', 'a fresh PostgreSQL database');
    output = await run(page, 'alembic upgrade head');
    assert.equal(output.exitCode, 0, output.stderr);
    await assertApplied(page, 'after the upgrade');
    // The schema panel reads PostgreSQL's catalog: the table, its types and rows.
    const table = page.locator('.schema details.table', { hasText: 'account' });
    await table.waitFor();
    const panel = await table.innerText();
    assert.ok(panel.includes('character varying(50)'), panel);
    assert.ok(panel.includes("nextval('account_id_seq'::regclass)"), panel);
    assert.ok(panel.includes('2 rows'), panel);

    // Undo on PostgreSQL: the database is rebuilt as it was before the upgrade.
    await page.locator('button', { hasText: 'Undo last command' }).click();
    output = await run(page, "sql SELECT count(*) AS tables FROM pg_tables WHERE schemaname = 'public'");
    assert.equal(output.stdout, 'tables\n------\n0\n(1 row)\n');
    output = await run(page, 'alembic upgrade head');
    assert.equal(output.exitCode, 0, output.stderr);

    // A reload: the PostgreSQL database comes back from the saved work.
    await page.reload();
    await postgresqlRunning(page);
    await assertApplied(page, 'after a reload');
    await page.screenshot({ path: path.join(artifacts, 'postgresql-switched.png') });

    // Export: the project and a script that rebuilds its database; on the real server, real
    // Alembic finds it at c1 with its rows.
    const zip = Buffer.from(await page.evaluate(() => Array.from(window.playground.exportZip(true))));
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'export-pg-'));
    try {
      fs.writeFileSync(path.join(work, 'project.zip'), zip);
      const unzip = spawnSync('python3', ['-c', 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])', path.join(work, 'project.zip'), work], { encoding: 'utf8' });
      assert.equal(unzip.status, 0, unzip.stderr);
      const project = path.join(work, 'alembic-project');
      const script = fs.readFileSync(path.join(project, 'postgresql.sql'), 'utf8');
      assert.ok(script.includes('CREATE TABLE account ('), script);
      const database = 'export_pg_journey';
      const psql = (target, ...args) => {
        const result = spawnSync('psql', [`${server}/${target}`, '-q', ...args], { encoding: 'utf8' });
        assert.equal(result.status, 0, result.stderr);
        return result.stdout;
      };
      psql('postgres', '-c', `DROP DATABASE IF EXISTS ${database}`, '-c', `CREATE DATABASE ${database}`);
      psql(database, '-f', path.join(project, 'postgresql.sql'));
      const ini = path.join(project, 'alembic.ini');
      fs.writeFileSync(ini, fs.readFileSync(ini, 'utf8').replace(/^sqlalchemy\.url = .*$/m, `sqlalchemy.url = postgresql+psycopg2://${server.split('://')[1]}/${database}`));
      const current = spawnSync(alembic, ['current'], { cwd: project, encoding: 'utf8' });
      assert.equal(current.status, 0, current.stderr);
      assert.equal(current.stdout, 'c1 (head)\n');
      assert.equal(psql(database, '-At', '-c', 'SELECT name FROM account ORDER BY name'), 'ada\ngrace\n');
      psql('postgres', '-c', `DROP DATABASE ${database}`);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }

    // A share link, opened on a fresh browser profile at the SQLite page's address: the
    // SQLite page hands it to the PostgreSQL page, which rebuilds the database.
    const link = await page.evaluate(() => window.playground.shareUrl());
    assert.match(link, /\/pg\/#s=1\./);
    const code = link.split('#s=')[1];
    const second = await openPlayground();
    others.push(second);
    await second.page.goto(`${second.server.url}#s=${code}`);
    await second.page.waitForURL(/\/pg\//);
    await postgresqlRunning(second.page);
    await assertApplied(second.page, 'a share link on a fresh profile');
    assert.deepEqual(second.consoleErrors, []);

    // An embed of it, on another fresh profile: its commands wait for PGlite, then run.
    const third = await openPlayground();
    others.push(third);
    await third.page.goto(`${third.server.url}?embed&panels=terminal&run=${encodeURIComponent('sql SELECT count(*) AS accounts FROM account')}#s=${code}`);
    await third.page.waitForURL(/\/pg\/\?embed/);
    await postgresqlRunning(third.page);
    await third.page.locator('.terminal-scroll', { hasText: 'accounts' }).waitFor();
    const embedded = await terminalText(third.page);
    assert.ok(embedded.includes('accounts\n--------\n2\n(1 row)'), embedded);
    await assertApplied(third.page, 'an embed on a fresh profile');

    // Back to SQLite, in the PostgreSQL page: the SQLite URL and database as they were.
    await page.locator('.dialect-switch button', { hasText: 'SQLite' }).click();
    const back = await page.evaluate(() => window.playground.readFile('alembic.ini'));
    assert.ok(back.includes('\nsqlalchemy.url = sqlite:///%(here)s/app.db\n# sqlalchemy.url = postgresql+psycopg://postgres:postgres@localhost/app\n'), back);
    output = await run(page, 'alembic current');
    assert.equal(output.stdout, 'c1 (head)\n');
    assert.ok(output.stderr.includes('Context impl SQLiteImpl.'), output.stderr);
    // and undo brings PostgreSQL back
    await page.locator('button', { hasText: 'Undo last command' }).click();
    await assertApplied(page, 'the switch undone');
    assert.deepEqual(consoleErrors, []);
  } finally {
    for (const other of others) await other.close();
    await first.close();
  }
});

test('PGlite that cannot load: a clear message, and SQLite keeps working', async () => {
  const playground = await openPlayground();
  const { page } = playground;
  try {
    await page.route('**/pg/pglite/pglite.wasm', (route) => route.abort('blockedbyclient'));
    await page.goto(`${playground.server.url}pg/`);
    await page.waitForFunction(() => window.playground && window.playground.ready === true);
    await page.waitForFunction(() => window.playground.postgresql !== 'starting', null, { timeout: 60000 });
    const state = await page.evaluate(() => window.playground.postgresql);
    assert.match(state, /^failed: PostgreSQL \(PGlite\) could not start in this page: /);
    await page.locator('.banner.error', { hasText: 'could not start in this page' }).waitFor();
    await useUrl(page, POSTGRESQL_URL);
    let output = await run(page, 'alembic current');
    assert.equal(output.exitCode, 1);
    assert.ok(output.stderr.includes('PostgreSQL (PGlite) could not start in this page'), output.stderr);
    await useUrl(page, 'sqlite:///%(here)s/app.db');
    output = await run(page, 'alembic revision -m one --rev-id b1');
    assert.equal(output.exitCode, 0, output.stderr);
    output = await run(page, 'alembic upgrade head');
    assert.equal(output.exitCode, 0, output.stderr);
    assert.ok(output.stderr.includes('Context impl SQLiteImpl.'), output.stderr);
    output = await run(page, 'alembic current');
    assert.equal(output.stdout, 'b1 (head)\n');
  } finally {
    await playground.close();
  }
});

test('the SQLite page fetches nothing of the PostgreSQL page', async () => {
  const playground = await openPlayground();
  const { page } = playground;
  try {
    const fetched = [];
    page.on('request', (request) => fetched.push(new URL(request.url()).pathname));
    await page.goto(playground.server.url);
    await page.waitForFunction(() => window.playground && window.playground.ready === true);
    await page.waitForFunction(() => window.playground.warmedUp !== undefined, null, { timeout: 60000 });
    assert.ok(fetched.length > 3, fetched.join(' '));
    assert.deepEqual(fetched.filter((name) => name.startsWith('/pg/') || name.includes('pglite')), []);
    assert.equal(await page.evaluate(() => window.playground.postgresql), undefined);
  } finally {
    await playground.close();
  }
});
