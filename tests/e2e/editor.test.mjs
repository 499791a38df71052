// The editor and the file list: colouring, problems marked on their lines, the browser's own
// undo, keyboard use (Tab indents, Escape leaves), New/Rename/Delete with undo, and the
// resizable panels (keyboard splitters, kept across reloads).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { openPlayground, artifacts, gotoReady } from './browser.mjs';

test('editor: colours, problems on their lines, undo, keyboard; files: new, rename, delete', async () => {
  const playground = await openPlayground();
  try {
    const { page } = playground;
    await gotoReady(page, playground.server.url);
    const models = await page.evaluate(() => window.playground.readFile('models.py'));
    await page.getByRole('button', { name: 'models.py', exact: true }).click();
    const keywords = await page.locator('.code.coloured .tok-keyword').allInnerTexts();
    assert.ok(keywords.includes('from') && keywords.includes('class'), keywords.join(','));
    assert.ok((await page.locator('.code.coloured .tok-string').allInnerTexts()).includes('"account"'));
    // The coloured copy is the text, character for character.
    assert.equal(await page.locator('.code.coloured').evaluate((element) => element.textContent), `${models}\n `);

    // Typing a broken line: the problem is listed and its line marked; Ctrl+Z takes it back.
    const area = page.locator('textarea.code.input');
    await area.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('\ndef broken(:\n');
    const lineCount = `${models}\ndef broken(:\n`.split('\n').length;
    await page.locator('.findings li').first().waitFor();
    assert.match(await page.locator('.findings li').first().innerText(), new RegExp(`^line ${lineCount - 1}:\\d+ syntax SyntaxError: `));
    assert.equal(await page.locator('.gutter .marked').innerText(), `${lineCount - 1}\n`);
    assert.equal(await page.locator('.code.coloured .line.marked').count(), 1);
    for (let press = 0; press < 20 && (await area.inputValue()) !== models; press += 1) {
      await page.keyboard.press('Control+z');
    }
    assert.equal(await area.inputValue(), models);
    assert.equal(await page.evaluate(() => window.playground.readFile('models.py')), models);
    // (findings follow the text once typing pauses)
    await page.locator('.findings').waitFor({ state: 'detached' });
    assert.equal(await page.locator('.findings').count(), 0);
    await page.keyboard.press('Control+Shift+z');
    assert.notEqual(await area.inputValue(), models, 'redo brings the edit back');
    await page.evaluate((text) => window.playground.writeFile('models.py', text), models);

    // Tab indents inside the editor; Escape leaves it (no keyboard trap).
    await area.click();
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('Tab');
    assert.equal((await area.inputValue()).slice(0, 5), '    "');
    await page.keyboard.press('Escape');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'editor-title');
    await page.evaluate((text) => window.playground.writeFile('models.py', text), models);

    // Ctrl+Enter in the editor runs what is typed in the terminal.
    await page.fill('#terminal-input', 'alembic heads');
    await area.click();
    await page.keyboard.press('Control+Enter');
    await page.waitForFunction(() => document.querySelector('.terminal-scroll').innerText.includes('$ alembic heads'));

    // New, Rename, Delete (prompts answered), and Undo last command brings a deleted file back.
    const answers = ['notes/todo.md', 'notes/done.md'];
    page.on('dialog', (dialog) => (dialog.type() === 'prompt' ? dialog.accept(answers.shift()) : dialog.accept()));
    await page.getByRole('button', { name: 'New file' }).click();
    await page.locator('.editor-title', { hasText: 'notes/todo.md' }).waitFor();
    await page.keyboard.press('Tab');
    await area.fill('- learn stamp\n');
    await page.getByRole('button', { name: 'Rename notes/todo.md' }).click();
    await page.locator('.editor-title', { hasText: 'notes/done.md' }).waitFor();
    let files = await page.evaluate(() => window.playground.listFiles());
    assert.ok(files.includes('notes/done.md') && !files.includes('notes/todo.md'), files.join(','));
    await page.getByRole('button', { name: 'Delete notes/done.md' }).click();
    await page.getByText('Open a file on the left.').waitFor();
    assert.ok(!(await page.evaluate(() => window.playground.listFiles())).includes('notes/done.md'));
    await page.getByRole('button', { name: 'Undo last command' }).click();
    assert.equal(await page.evaluate(() => window.playground.readFile('notes/done.md')), '- learn stamp\n');
    answers.push('../outside.py');
    await page.getByRole('button', { name: 'New file' }).click();
    assert.equal(await page.locator('.banner.error').innerText(), 'New file: ../outside.py: files must stay inside the project');
    await page.screenshot({ path: path.join(artifacts, 'editor.png') });
    assert.deepEqual(playground.consoleErrors, []);
  } finally {
    await playground.close();
  }
});

test('panels resize with the keyboard and keep their size after a reload', async () => {
  const playground = await openPlayground();
  try {
    const { page } = playground;
    await gotoReady(page, playground.server.url);
    const width = () => page.locator('.left').evaluate((element) => element.getBoundingClientRect().width);
    const before = await width();
    const bar = page.getByRole('separator', { name: 'Resize the file list' });
    await bar.focus();
    for (let press = 0; press < 3; press += 1) await page.keyboard.press('ArrowRight');
    assert.equal(await width(), before + 48);
    assert.equal(await bar.getAttribute('aria-valuenow'), String(before + 48));
    const side = page.getByRole('separator', { name: 'Resize the database panel' });
    const sideBefore = await page.locator('.side-panel').evaluate((element) => element.getBoundingClientRect().width);
    await side.focus();
    await page.keyboard.press('ArrowLeft');
    assert.equal(await page.locator('.side-panel').evaluate((element) => element.getBoundingClientRect().width), sideBefore + 16);
    // Dragging the bar between editor and terminal.
    const split = page.getByRole('separator', { name: 'Resize the editor and the terminal' });
    const box = await split.boundingBox();
    const editorBefore = await page.locator('.editor').evaluate((element) => element.getBoundingClientRect().height);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2 - 100, { steps: 5 });
    await page.mouse.up();
    const editorAfter = await page.locator('.editor').evaluate((element) => element.getBoundingClientRect().height);
    assert.ok(Math.abs(editorAfter - (editorBefore - 100)) <= 2, `${editorBefore} -> ${editorAfter}`);
    await page.reload();
    await page.waitForFunction(() => window.playground && window.playground.ready === true);
    assert.equal(await width(), before + 48);
    assert.deepEqual(playground.consoleErrors, []);
  } finally {
    await playground.close();
  }
});
