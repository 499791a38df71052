// Embed mode and the sample documentation page: three dependent demos in iframes, each
// running its commands on load, and none of them touching the visitor's saved work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { openPlayground, artifacts, gotoReady } from './browser.mjs';

test('the documentation page shows working embedded demos', async () => {
  const playground = await openPlayground();
  try {
    const { page } = playground;
    await page.goto(`${playground.server.url}docs.html`);
    const expectations = {
      'demo-revision': ['Generating /project/alembic/versions/1975ea83b712_create_account_table.py ...  done', '<base> -> 1975ea83b712 (head), create account table'],
      'demo-upgrade': ['Running upgrade  -> 1975ea83b712, create account table', '1975ea83b712 (head)'],
      'demo-downgrade': ['Running downgrade 1975ea83b712 -> , create account table', '<base> -> 1975ea83b712 (head), create account table'],
    };
    for (const [id, texts] of Object.entries(expectations)) {
      const frame = page.frameLocator(`#${id}`);
      await frame.locator('.terminal-scroll').waitFor();
      for (const text of texts) {
        await frame.locator('.terminal-scroll', { hasText: text }).waitFor({ timeout: 20000 });
      }
    }
    await page.frameLocator('#demo-upgrade').locator('.revision-graph .node.current').waitFor();
    await page.screenshot({ path: path.join(artifacts, 'docs-page.png'), fullPage: true });
    // Lessons can be embedded too.
    await page.goto(`${playground.server.url}?embed&panels=lessons,terminal`);
    await page.getByRole('region', { name: 'Lessons' }).getByRole('button', { name: '1. Your first revision' }).waitFor();
    assert.equal(await page.locator('.editor').count(), 0);
    // The demos saved nothing: the full playground still opens on the starter project.
    await gotoReady(page, playground.server.url);
    const revisions = (await page.evaluate(() => window.playground.listFiles())).filter((name) => name.includes('/versions/') && name.endsWith('.py'));
    assert.deepEqual(revisions, []);
    // The embed code of the full playground round-trips into a working iframe.
    await page.evaluate(() => window.playground.run('alembic revision -m "shared" --rev-id aaaa00000001'));
    await page.getByRole('button', { name: 'Embed code' }).click();
    const snippet = await page.locator('#share-url').inputValue();
    assert.match(snippet, /^<iframe src="http:\/\/127\.0\.0\.1:\d+\/\?embed&panels=editor,terminal#s=1\./);
    await page.setContent(`<!DOCTYPE html><html><body>${snippet}</body></html>`);
    const embedded = page.frameLocator('iframe');
    await embedded.locator('.terminal-scroll', { hasText: 'Generating /project/alembic/versions/aaaa00000001_shared.py' }).waitFor();
    // The scripting API over postMessage, as a cross-origin host page would use it.
    const reply = await page.evaluate(() => new Promise((resolve) => {
      window.addEventListener('message', (event) => resolve(event.data), { once: true });
      document.querySelector('iframe').contentWindow.postMessage({ id: 7, method: 'run', args: ['alembic heads'] }, '*');
    }));
    assert.equal(reply.id, 7);
    assert.equal(reply.result.exitCode, 0);
    assert.equal(reply.result.stdout, 'aaaa00000001 (head)\n');
    const refused = await page.evaluate(() => new Promise((resolve) => {
      window.addEventListener('message', (event) => resolve(event.data), { once: true });
      document.querySelector('iframe').contentWindow.postMessage({ id: 8, method: 'constructor', args: [] }, '*');
    }));
    assert.match(refused.error, /unknown method/);
    assert.deepEqual(playground.consoleErrors, []);
  } finally {
    await playground.close();
  }
});
