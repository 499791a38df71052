// Lessons are completed by doing what they ask (checked from the real state), not by
// something else: lesson 1 in real Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { openPlayground, typeCommand, artifacts } from './browser.mjs';

async function stepStates(page) {
  return page.locator('.lesson li').evaluateAll((items) => items.map((item) => item.classList.contains('done')));
}

test('lesson 1 completes by creating, writing and applying a revision', async () => {
  const playground = await openPlayground();
  try {
    const { page } = playground;
    await page.goto(playground.server.url);
    await page.waitForFunction(() => window.playground && window.playground.ready === true);
    page.on('dialog', (dialog) => dialog.accept());
    await page.getByRole('button', { name: '1. Your first revision' }).click();
    await page.locator('.lesson').waitFor();
    assert.deepEqual(await stepStates(page), [false, false, false]);

    await typeCommand(page, 'alembic revision -m "create account table"');
    assert.deepEqual(await stepStates(page), [true, false, false]);

    // Stamping is not applying: the table does not exist, so step 3 stays open.
    await typeCommand(page, 'alembic stamp head');
    assert.deepEqual(await stepStates(page), [true, false, false]);
    await typeCommand(page, 'alembic stamp base');

    const editor = page.locator('textarea.code');
    const source = await editor.inputValue();
    await editor.fill(source
      .replace('    """Upgrade schema."""\n    pass', "    \"\"\"Upgrade schema.\"\"\"\n    op.create_table('account', sa.Column('id', sa.Integer, primary_key=True))")
      .replace('    """Downgrade schema."""\n    pass', "    \"\"\"Downgrade schema.\"\"\"\n    op.drop_table('account')"));
    assert.deepEqual(await stepStates(page), [true, true, false]);

    await typeCommand(page, 'alembic upgrade head');
    assert.deepEqual(await stepStates(page), [true, true, true]);
    assert.ok(await page.locator('.lesson-done').isVisible());
    await page.screenshot({ path: path.join(artifacts, 'lesson-1-done.png') });
    assert.deepEqual(playground.consoleErrors, []);
  } finally {
    await playground.close();
  }
});
