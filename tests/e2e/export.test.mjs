// Export: the zip from the page runs under real Alembic 1.20.1 unchanged, to the same schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openPlayground, repoRoot, gotoReady } from './browser.mjs';

const alembic = process.env.ALEMBIC_BIN ?? path.join(repoRoot, '.venv/bin/alembic');

function python(code, ...args) {
  const result = spawnSync('python3', ['-c', code, ...args], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}

const schemaOf = 'import sqlite3, sys, json; db = sqlite3.connect(sys.argv[1]); print(json.dumps([list(r) for r in db.execute("SELECT type, name, sql FROM sqlite_master WHERE name != \'alembic_version\' AND name NOT LIKE \'sqlite_%\' ORDER BY type, name")]))';

test('an exported project runs under real Alembic to the same schema', async () => {
  const playground = await openPlayground();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'export-'));
  try {
    const { page } = playground;
    await gotoReady(page, playground.server.url);
    const bodies = [
      ["create account", "    op.create_table('account', sa.Column('id', sa.Integer, primary_key=True), sa.Column('name', sa.String(50), nullable=False))", "    op.drop_table('account')"],
      ['index name', "    op.create_index('ix_account_name', 'account', ['name'])", "    op.drop_index('ix_account_name', table_name='account')"],
    ];
    for (const [message, upgrade, downgrade] of bodies) {
      const output = await page.evaluate((line) => window.playground.run(line), `alembic revision -m "${message}"`);
      const file = output.stdout.match(/\/project\/(\S+\.py)/)[1];
      const text = await page.evaluate((name) => window.playground.readFile(name), file);
      await page.evaluate(([name, source]) => window.playground.writeFile(name, source), [file, text
        .replace('    """Upgrade schema."""\n    pass', `    """Upgrade schema."""\n${upgrade}`)
        .replace('    """Downgrade schema."""\n    pass', `    """Downgrade schema."""\n${downgrade}`)]);
    }
    assert.equal((await page.evaluate(() => window.playground.run('alembic upgrade head'))).exitCode, 0);
    const pageSchema = await page.evaluate(() => window.playground.query("SELECT type, name, sql FROM sqlite_master WHERE name != 'alembic_version' AND name NOT LIKE 'sqlite_%' ORDER BY type, name").rows);

    // Without the database: real Alembic builds the same schema, and downgrades to base.
    const bytes = await page.evaluate(() => Array.from(window.playground.exportZip(false)));
    fs.writeFileSync(path.join(work, 'project.zip'), Buffer.from(bytes));
    python('import zipfile, sys; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])', path.join(work, 'project.zip'), work);
    const project = path.join(work, 'alembic-project');
    for (const args of [['upgrade', 'head'], ['current']]) {
      const result = spawnSync(alembic, args, { cwd: project, encoding: 'utf8' });
      assert.equal(result.status, 0, result.stdout + result.stderr);
    }
    assert.deepEqual(JSON.parse(python(schemaOf, path.join(project, 'app.db'))), pageSchema);
    const down = spawnSync(alembic, ['downgrade', 'base'], { cwd: project, encoding: 'utf8' });
    assert.equal(down.status, 0, down.stdout + down.stderr);
    assert.deepEqual(JSON.parse(python(schemaOf, path.join(project, 'app.db'))), []);

    // With the database: real Alembic sees it at head.
    fs.rmSync(project, { recursive: true, force: true });
    const withDatabase = await page.evaluate(() => Array.from(window.playground.exportZip(true)));
    fs.writeFileSync(path.join(work, 'project-db.zip'), Buffer.from(withDatabase));
    python('import zipfile, sys; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])', path.join(work, 'project-db.zip'), work);
    const current = spawnSync(alembic, ['current'], { cwd: project, encoding: 'utf8' });
    assert.equal(current.status, 0, current.stderr);
    assert.match(current.stdout, /^[0-9a-f]{12} \(head\)\n$/);
    assert.deepEqual(JSON.parse(python(schemaOf, path.join(project, 'app.db'))), pageSchema);
    assert.deepEqual(playground.consoleErrors, []);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
    await playground.close();
  }
});
