// Import: a project zip (exported by the page), a folder, loose revision files and a SQLite file
// made outside Alembic, picked through the Import buttons; a broken zip changes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openPlayground, typeCommand, terminalText, artifacts, gotoReady } from './browser.mjs';

function python(code, ...args) {
  const result = spawnSync('python3', ['-c', code, ...args], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}

const run = (page, line) => page.evaluate((text) => window.playground.run(text), line);
const tableNames = (page) => page.evaluate(() => window.playground
  .query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").rows.map((row) => row[0]));

test('projects, folders, revision files and databases import; a broken zip changes nothing', async () => {
  const playground = await openPlayground();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'import-'));
  const dialogs = [];
  try {
    const { page } = playground;
    page.on('dialog', (dialog) => { dialogs.push(dialog.message()); dialog.accept(); });
    await gotoReady(page, playground.server.url);

    // A project with one applied revision, exported with its database.
    const made = await run(page, 'alembic revision -m "create account"');
    const file = made.stdout.match(/\/project\/(\S+\.py)/)[1];
    const source = await page.evaluate((name) => window.playground.readFile(name), file);
    await page.evaluate(([name, text]) => window.playground.writeFile(name, text), [file, source
      .replace('    """Upgrade schema."""\n    pass', "    \"\"\"Upgrade schema.\"\"\"\n    op.create_table('account', sa.Column('id', sa.Integer, primary_key=True))")
      .replace('    """Downgrade schema."""\n    pass', "    \"\"\"Downgrade schema.\"\"\"\n    op.drop_table('account')")]);
    assert.equal((await run(page, 'alembic upgrade head')).exitCode, 0);
    const head = (await run(page, 'alembic heads')).stdout.slice(0, 12);
    const zipPath = path.join(work, 'alembic-project.zip');
    fs.writeFileSync(zipPath, Buffer.from(await page.evaluate(() => Array.from(window.playground.exportZip(true)))));
    const exportedFiles = await page.evaluate(() => window.playground.listFiles());

    // Start over, then import the zip: same files, same database, asked first.
    await page.click('button[aria-label="Reset to the starter project"]');
    assert.deepEqual(await tableNames(page), []);
    await page.setInputFiles('#import-files', zipPath);
    await page.waitForFunction(() => document.querySelector('.terminal-scroll').innerText.includes('Imported a project'));
    assert.match(dialogs.at(-1), /^Replace the project's files and database with the project in alembic-project\.zip\?/);
    assert.deepEqual(await page.evaluate(() => window.playground.listFiles()), exportedFiles);
    assert.deepEqual(await tableNames(page), ['account', 'alembic_version']);
    await typeCommand(page, 'alembic current');
    assert.match(await terminalText(page), new RegExp(`${head} \\(head\\)`));

    // A broken zip: a message naming it, and nothing changed.
    const brokenPath = path.join(work, 'broken.zip');
    fs.writeFileSync(brokenPath, Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(64, 7)]));
    await page.setInputFiles('#import-files', brokenPath);
    await page.waitForSelector('.banner.error');
    assert.equal(await page.locator('.banner.error').innerText(), 'Import: broken.zip: not a zip file (no end of central directory)');
    assert.deepEqual(await page.evaluate(() => window.playground.listFiles()), exportedFiles);
    assert.deepEqual(await tableNames(page), ['account', 'alembic_version']);

    // A folder: the unzipped project, picked as a folder (caches beside it are skipped).
    python('import zipfile, sys; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])', zipPath, work);
    const folder = path.join(work, 'alembic-project');
    fs.mkdirSync(path.join(folder, 'alembic/__pycache__'));
    fs.writeFileSync(path.join(folder, 'alembic/__pycache__/env.cpython-311.pyc'), Buffer.from([0, 1, 2]));
    await page.click('button[aria-label="Reset to the starter project"]');
    await page.setInputFiles('#import-folder', folder);
    await page.waitForFunction(() => document.querySelector('.terminal-scroll').innerText.includes('Imported a project'));
    assert.deepEqual(await page.evaluate(() => window.playground.listFiles()), exportedFiles);

    // Loose revision files join versions/ of the starter project.
    await page.click('button[aria-label="Reset to the starter project"]');
    await page.setInputFiles('#import-files', path.join(folder, file.replace(/^/, '')));
    await page.waitForFunction(() => document.querySelector('.terminal-scroll').innerText.includes('Imported 1 revision file'));
    await typeCommand(page, 'alembic history');
    assert.match(await terminalText(page), new RegExp(`<base> -> ${head} \\(head\\), create account`));

    // A database made outside Alembic (create_all, one row): current is empty, stamp adopts it.
    const legacy = path.join(work, 'legacy.db');
    python("import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); db.execute('CREATE TABLE account (id INTEGER NOT NULL, PRIMARY KEY (id))'); db.execute('INSERT INTO account VALUES (7)'); db.commit()", legacy);
    await page.setInputFiles('#import-files', legacy);
    await page.waitForFunction(() => document.querySelector('.terminal-scroll').innerText.includes('Imported a SQLite database'));
    assert.match(dialogs.at(-1), /^Use legacy\.db as the project's database/);
    assert.deepEqual(await tableNames(page), ['account']);
    assert.equal((await run(page, 'alembic current')).stdout, '');
    assert.equal((await run(page, 'alembic stamp head')).exitCode, 0);
    assert.deepEqual(await page.evaluate(() => window.playground.query('SELECT id FROM account').rows), [[7]]);
    assert.equal((await run(page, 'alembic current')).stdout, `${head} (head)\n`);
    await page.screenshot({ path: path.join(artifacts, 'import.png') });
    assert.deepEqual(playground.consoleErrors, []);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
    await playground.close();
  }
});
