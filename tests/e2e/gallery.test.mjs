// The example gallery opens ready-made projects (undoable), `#example=` links open one, and a
// command shows that it is running before its output arrives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { openPlayground, typeCommand, terminalText, artifacts, gotoReady } from './browser.mjs';

test('examples open real projects; commands show they are running', async () => {
  const playground = await openPlayground();
  try {
    const { page } = playground;
    page.on('dialog', (dialog) => dialog.accept());
    await gotoReady(page, playground.server.url);
    await page.evaluate(() => window.playground.writeFile('mine.txt', 'my own work\n'));

    await page.getByRole('region', { name: 'Examples' }).getByRole('button', { name: 'Branches and a merge' }).click();
    await page.waitForFunction(() => document.querySelector('.terminal-scroll').innerText.includes('Example: Branches and a merge.'));
    assert.ok(!(await page.evaluate(() => window.playground.listFiles())).includes('mine.txt'));
    const history = (await page.evaluate(() => window.playground.run('alembic history'))).stdout;
    assert.match(history, /\(head\) \(mergepoint\), merge alice and bob/);
    await page.screenshot({ path: path.join(artifacts, 'example-merge.png') });
    // Undo last command brings the learner's own project back.
    await page.getByRole('button', { name: 'Undo last command' }).click();
    assert.equal(await page.evaluate(() => window.playground.readFile('mine.txt')), 'my own work\n');
    // Reset, too, can be undone (until the page is reloaded).
    await page.click('button[aria-label="Reset to the starter project"]');
    assert.equal(await page.evaluate(() => window.playground.readFile('mine.txt')), null);
    await page.getByRole('button', { name: 'Undo last command' }).click();
    assert.equal(await page.evaluate(() => window.playground.readFile('mine.txt')), 'my own work\n');

    // A link to an example.
    await page.goto('about:blank');
    await page.goto(`${playground.server.url}#example=batch`);
    await page.waitForFunction(() => document.querySelector('.terminal-scroll')?.innerText.includes('Example: Batch mode on SQLite.'));

    // The running line appears before the command's output.
    await page.evaluate(() => {
      window.sawRunning = false;
      new MutationObserver(() => {
        if (document.querySelector('.running-line')) window.sawRunning = true;
      }).observe(document.body, { childList: true, subtree: true });
    });
    await typeCommand(page, 'alembic upgrade head');
    assert.equal(await page.evaluate(() => window.sawRunning), true);
    assert.equal(await page.locator('.running-line').count(), 0);
    assert.match(await terminalText(page), /Running upgrade [0-9a-f]{12} -> [0-9a-f]{12}, account name not null/);
    assert.deepEqual(playground.consoleErrors, []);
  } finally {
    await playground.close();
  }
});
