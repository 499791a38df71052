// Share links: a link made in one browser profile reproduces the state in another; a damaged
// link gives a message and leaves the visitor's saved work alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { openPlayground, typeCommand, terminalText, artifacts, gotoReady } from './browser.mjs';

async function ready(page, url) {
  // A fresh document each time (a hash-only change would not reload the page).
  await page.goto('about:blank');
  await gotoReady(page, url);
}

test('a share link reproduces the terminal, schema and version table in a fresh profile', async () => {
  const playground = await openPlayground();
  try {
    const { page } = playground;
    await ready(page, playground.server.url);
    await typeCommand(page, 'alembic revision -m "create account table"');
    const file = (await page.evaluate(() => window.playground.listFiles())).find((name) => name.endsWith('_create_account_table.py'));
    const source = await page.evaluate((name) => window.playground.readFile(name), file);
    await page.evaluate(([name, text]) => window.playground.writeFile(name, text), [file, source.replace(
      '    """Upgrade schema."""\n    pass',
      "    \"\"\"Upgrade schema.\"\"\"\n    op.create_table('account', sa.Column('id', sa.Integer, primary_key=True))",
    )]);
    await typeCommand(page, 'alembic upgrade head');
    await typeCommand(page, 'sql INSERT INTO account (id) VALUES (42)');
    await page.getByRole('button', { name: 'Share' }).click();
    const url = await page.locator('#share-url').inputValue();
    assert.match(url, /#s=1\./);
    const version = await page.locator('.version-rows code').innerText();
    const transcript = await terminalText(page);

    // Another profile (fresh context: empty storage) opens the link.
    const other = await playground.browser.newContext({ viewport: { width: 1400, height: 900 } });
    const visitor = await other.newPage();
    await ready(visitor, url);
    assert.equal(await visitor.locator('.version-rows code').innerText(), version);
    assert.equal(await terminalText(visitor), transcript);
    const rows = await visitor.evaluate(() => window.playground.query('SELECT id FROM account').rows);
    assert.deepEqual(rows, [[42]]);
    assert.ok(!(await visitor.evaluate(() => location.hash)).includes('s='), 'the link is removed from the address bar once opened');
    await visitor.screenshot({ path: path.join(artifacts, 'opened-share-link.png') });

    // A damaged link: a message, and the visitor's saved work is untouched.
    await typeCommand(visitor, 'sql INSERT INTO account (id) VALUES (43)');
    await visitor.evaluate(() => new Promise((resolve) => setTimeout(resolve, 0)));
    await ready(visitor, `${playground.server.url}#s=1.not-a-real-link`);
    await visitor.locator('.banner.error').waitFor();
    assert.match(await visitor.locator('.banner.error').innerText(), /could not be opened/);
    const kept = await visitor.evaluate(() => window.playground.query('SELECT id FROM account ORDER BY id').rows);
    assert.deepEqual(kept, [[42], [43]]);

    // A valid link while saved work exists asks first; declining keeps the work.
    visitor.once('dialog', (dialog) => dialog.dismiss());
    await ready(visitor, url);
    const afterDecline = await visitor.evaluate(() => window.playground.query('SELECT id FROM account ORDER BY id').rows);
    assert.deepEqual(afterDecline, [[42], [43]]);
    await other.close();
    assert.deepEqual(playground.consoleErrors, []);
  } finally {
    await playground.close();
  }
});

test('a link too long to paste downloads as a file that Import opens in another profile', async () => {
  const playground = await openPlayground();
  try {
    const { page } = playground;
    await ready(page, playground.server.url);
    // Incompressible text makes the link long: about 20,000 characters.
    let noise = '';
    let seed = 12345;
    for (let index = 0; index < 15000; index += 1) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      noise += 'abcdefghijklmnopqrstuvwxyz0123456789'[seed % 36];
    }
    await page.evaluate((text) => window.playground.writeFile('notes.md', text), `# notes\n${noise}\n`);
    await typeCommand(page, 'alembic revision -m "first"');
    await page.getByRole('button', { name: 'Share' }).click();
    const url = await page.locator('#share-url').inputValue();
    assert.ok(url.length > 8000, `link of ${url.length} characters`);
    assert.match(await page.locator('.banner.share label').innerText(), new RegExp(`\\(${url.length} characters\\)`));
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download it as a file' }).click(),
    ]);
    const saved = await download.path();

    const other = await playground.browser.newContext({ viewport: { width: 1400, height: 900 } });
    const visitor = await other.newPage();
    visitor.on('dialog', (dialog) => dialog.accept());
    await ready(visitor, playground.server.url);
    await visitor.setInputFiles('#import-files', saved);
    await visitor.waitForFunction(() => document.querySelector('.terminal-scroll').innerText.includes('Opened a saved share link'));
    assert.deepEqual(await visitor.evaluate(() => window.playground.listFiles()), await page.evaluate(() => window.playground.listFiles()));
    assert.equal(await visitor.evaluate(() => window.playground.readFile('notes.md')), `# notes\n${noise}\n`);
    assert.ok((await terminalText(visitor)).startsWith(await terminalText(page)));
    await other.close();
    assert.deepEqual(playground.consoleErrors, []);
  } finally {
    await playground.close();
  }
});
