// The first journey of the seed tutorial, in real Chromium against the release build:
// open the page, create a revision in the terminal, write its upgrade() in the editor,
// `alembic upgrade head`, and see the terminal, the schema and the version table change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { openPlayground, typeCommand, terminalText, artifacts, gotoReady } from './browser.mjs';

const upgradeBody = `    op.create_table(
        'account',
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('name', sa.String(50), nullable=False),
    )`;

test('first revision and upgrade head, as the tutorial teaches', async () => {
  const playground = await openPlayground();
  const { page, consoleErrors } = playground;
  try {
    await gotoReady(page, playground.server.url);
    await page.screenshot({ path: path.join(artifacts, 'start.png') });
    // The site forbids inline script except Trunk's loader (by hash), and eval.
    const policy = await page.evaluate(() => document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.content ?? '');
    const scriptSource = policy.split(';').map((part) => part.trim()).find((part) => part.startsWith('script-src')) ?? '';
    assert.match(scriptSource, /^script-src 'self' 'wasm-unsafe-eval' 'sha256-[A-Za-z0-9+/=]+'$/);
    assert.ok(!scriptSource.includes('unsafe-inline') && !scriptSource.includes("'unsafe-eval'"));
    // The starter project is there.
    for (const name of ['alembic.ini', 'alembic/env.py', 'alembic/script.py.mako', 'models.py']) {
      assert.equal(await page.locator(`.file-tree button[title="${name}"]`).count(), 1, `file tree shows ${name}`);
    }

    await typeCommand(page, 'alembic revision -m "create account table"');
    let text = await terminalText(page);
    const generated = text.match(/Generating \/project\/alembic\/versions\/([0-9a-f]{12})_create_account_table\.py \.\.\.  done/);
    assert.ok(generated, `terminal shows the Generating line, got:\n${text}`);
    const revisionId = generated[1];

    // The new file opens in the editor; write the upgrade and downgrade bodies.
    const editor = page.locator('textarea.code');
    const source = await editor.inputValue();
    assert.match(source, new RegExp(`revision: str = '${revisionId}'`));
    const edited = source
      .replace('    """Upgrade schema."""\n    pass', `    """Upgrade schema."""\n${upgradeBody}`)
      .replace('    """Downgrade schema."""\n    pass', `    """Downgrade schema."""\n    op.drop_table('account')`);
    await editor.fill(edited);

    await typeCommand(page, 'alembic upgrade head');
    text = await terminalText(page);
    assert.ok(text.includes('INFO  [alembic.runtime.migration] Context impl SQLiteImpl.'), text);
    assert.ok(text.includes(`INFO  [alembic.runtime.migration] Running upgrade  -> ${revisionId}, create account table`), text);
    await page.locator('.schema summary', { hasText: 'account' }).waitFor();
    assert.equal(await page.locator('.version-rows code').innerText(), revisionId);

    await typeCommand(page, 'alembic current');
    text = await terminalText(page);
    assert.ok(text.includes(`${revisionId} (head)`), text);

    await typeCommand(page, 'alembic upgrade nosuch');
    text = await terminalText(page);
    assert.ok(text.includes("FAILED: Can't locate revision identified by 'nosuch'"), text);

    await page.screenshot({ path: path.join(artifacts, 'after-upgrade.png') });

    // A second revision, then downgrade by clicking the first one in the revision graph.
    await typeCommand(page, 'alembic revision -m "add email"');
    text = await terminalText(page);
    const second = text.match(/versions\/([0-9a-f]{12})_add_email\.py/)[1];
    await typeCommand(page, 'alembic upgrade head');
    assert.equal(await page.locator('.version-rows code').innerText(), second);
    await page.locator(`.revision-graph .node[aria-label^="Revision ${revisionId}"]`).click();
    await page.locator('.graph-actions button', { hasText: 'downgrade to' }).click();
    await page.waitForFunction((rev) => document.querySelector('.version-rows code')?.textContent === rev, revisionId);
    text = await terminalText(page);
    assert.ok(text.includes(`$ alembic downgrade ${revisionId}`), text);
    assert.ok(text.includes(`Running downgrade ${second} -> ${revisionId}, add email`), text);
    await page.screenshot({ path: path.join(artifacts, 'graph-downgrade.png') });

    // The graph opens large over the page, every label whole; Escape brings the panel back.
    await page.getByRole('button', { name: 'Open large' }).click();
    const large = page.locator('.revision-graph.large');
    await large.waitFor();
    const box = await large.boundingBox();
    const viewport = page.viewportSize();
    assert.ok(box.width > viewport.width * 0.8 && box.height > viewport.height * 0.8, `large graph ${JSON.stringify(box)}`);
    const cut = await page.evaluate(() => {
      const svg = document.querySelector('.revision-graph svg');
      const width = Number(svg.getAttribute('width'));
      return [...svg.querySelectorAll('text')].filter((text) => { const b = text.getBBox(); return b.x + b.width > width; }).length;
    });
    assert.equal(cut, 0, 'no label runs past the picture');
    await page.screenshot({ path: path.join(artifacts, 'graph-large.png') });
    await page.keyboard.press('Escape');
    await page.locator('.revision-graph.large').waitFor({ state: 'detached' });
    assert.equal(await page.getByRole('button', { name: 'Open large' }).count(), 1);

    // Undo the downgrade: the version table is back at the second revision.
    await page.getByRole('button', { name: 'Undo last command' }).click();
    await page.waitForFunction((rev) => document.querySelector('.version-rows code')?.textContent === rev, second);
    assert.ok((await terminalText(page)).includes(`Undid \`alembic downgrade ${revisionId}\``));

    // A reload restores the same state.
    await page.reload();
    await page.waitForFunction(() => window.playground && window.playground.ready === true);
    assert.equal(await page.locator('.version-rows code').innerText(), second);
    assert.ok((await terminalText(page)).includes(`Running upgrade  -> ${revisionId}`));

    assert.deepEqual(consoleErrors, [], 'no console errors');
  } finally {
    await playground.close();
  }
});
