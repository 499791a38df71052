// Share links: a link made in one browser profile reproduces the state in another; a damaged
// link gives a message and leaves the visitor's saved work alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { openPlayground, typeCommand, terminalText, artifacts } from './browser.mjs';

async function ready(page, url) {
  // A fresh document each time (a hash-only change would not reload the page).
  await page.goto('about:blank');
  await page.goto(url);
  await page.waitForFunction(() => window.playground && window.playground.ready === true);
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
