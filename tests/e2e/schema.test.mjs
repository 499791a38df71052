// The database panel: schema as a list and as an ER diagram, at any revision, the changes
// between two points, and drift between the version table and the real tables after a stamp.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { openPlayground, artifacts, gotoReady } from './browser.mjs';

test('schema list, ER diagram, schema at a revision, changes, and drift after stamp', async () => {
  const playground = await openPlayground();
  try {
    const { page } = playground;
    await gotoReady(page, playground.server.url);
    const run = (line) => page.evaluate((text) => window.playground.run(text), line);
    const ids = [];
    for (const [message, body] of [
      ['account', "    op.create_table('account', sa.Column('id', sa.Integer, primary_key=True), sa.Column('name', sa.String(50), nullable=False))"],
      ['address', "    op.create_table('address', sa.Column('id', sa.Integer, primary_key=True), sa.Column('account_id', sa.Integer, sa.ForeignKey('account.id')), sa.Column('street', sa.String(100), server_default='unknown'))\n    op.create_index('ix_address_street', 'address', ['street'])"],
    ]) {
      const made = await run(`alembic revision -m "${message}"`);
      const file = made.stdout.match(/\/project\/(\S+\.py)/)[1];
      ids.push(file.match(/versions\/([0-9a-f]{12})_/)[1]);
      const source = await page.evaluate((name) => window.playground.readFile(name), file);
      await page.evaluate(([name, text]) => window.playground.writeFile(name, text), [file, source.replace('    """Upgrade schema."""\n    pass', `    """Upgrade schema."""\n${body}`)]);
    }
    assert.equal((await run('alembic upgrade head')).exitCode, 0);
    const schema = page.locator('section.schema');
    await schema.locator('details.table', { hasText: 'address' }).locator('.constraints').waitFor();
    const constraints = await schema.locator('details.table', { hasText: 'address' }).locator('.constraints').innerText();
    assert.match(constraints, /FK \(account_id\) → account\(id\)/);
    assert.match(constraints, /index \(street\) ix_address_street/);
    assert.match(await schema.locator('details.table', { hasText: 'address' }).innerText(), /= 'unknown'/);
    assert.equal(await page.locator('.drift').innerText(), `The tables match what the migrations build up to ${ids[1]}.`);

    // The ER diagram: both tables, one foreign key line.
    await page.getByRole('button', { name: 'Diagram' }).click();
    assert.equal(await page.getByRole('img', { name: /Entity-relationship diagram/ }).getAttribute('aria-label'),
      'Entity-relationship diagram of 2 tables and 1 foreign keys');
    assert.equal(await page.locator('.er-edge').count(), 1);
    await page.screenshot({ path: path.join(artifacts, 'schema-diagram.png') });
    await page.getByRole('button', { name: 'List' }).click();

    // The schema at the first revision, and the changes since base.
    await page.getByLabel('Show the schema at').selectOption(ids[0]);
    await page.waitForFunction(() => document.querySelectorAll('section.schema details.table').length === 1);
    assert.equal(await schema.locator('details.table summary').innerText(), 'account');
    await page.getByLabel('Show the changes since').selectOption('base');
    await schema.locator('.changes li').first().waitFor();
    assert.deepEqual(await schema.locator('.changes li').allInnerTexts(), ['+ table account (id INTEGER, name VARCHAR(50))']);
    await page.getByLabel('Show the schema at').selectOption(ids[1]);
    await page.getByLabel('Show the changes since').selectOption(ids[0]);
    await page.waitForFunction(() => document.querySelectorAll('section.schema .changes li').length === 1
      && document.querySelector('section.schema .changes li').innerText.includes('address'));
    assert.deepEqual(await schema.locator('.changes li').allInnerTexts(), ["+ table address (id INTEGER, account_id INTEGER, street VARCHAR(100))"]);

    // Drift: stamping base leaves the tables behind; the panel says what differs.
    assert.equal((await run('alembic stamp base')).exitCode, 0);
    await page.locator('.drift.differs').waitFor();
    assert.deepEqual(await page.locator('.drift .changes li').allInnerTexts(), [
      '+ table account (id INTEGER, name VARCHAR(50))',
      '+ table address (id INTEGER, account_id INTEGER, street VARCHAR(100))',
    ]);
    assert.match(await page.locator('.drift p').innerText(), /^Drift: the tables differ from what the migrations build up to base:/);
    await page.screenshot({ path: path.join(artifacts, 'schema-drift.png') });
    assert.equal((await run('alembic stamp head')).exitCode, 0);
    await page.locator('.drift.ok').waitFor();
    assert.deepEqual(playground.consoleErrors, []);
  } finally {
    await playground.close();
  }
});

test('on a long chain the revision pickers list every revision while focused, and keep the choice', async () => {
  const playground = await openPlayground();
  try {
    const { page } = playground;
    await gotoReady(page, playground.server.url);
    const count = 150;
    const id = (n) => `c${String(n).padStart(11, '0')}`;
    const files = {};
    for (let n = 1; n <= count; n++) {
      files[`alembic/versions/${id(n)}_step_${n}.py`] = `"""step ${n}\n\nRevision ID: ${id(n)}\n"""\nfrom alembic import op\nimport sqlalchemy as sa\n\nrevision = '${id(n)}'\ndown_revision = ${n === 1 ? 'None' : `'${id(n - 1)}'`}\nbranch_labels = None\ndepends_on = None\n\n\ndef upgrade():\n    op.create_table('t${n}', sa.Column('id', sa.Integer(), primary_key=True))\n\n\ndef downgrade():\n    op.drop_table('t${n}')\n`;
    }
    await page.evaluate((files) => window.playground.writeFiles(files), files);
    assert.equal((await page.evaluate(() => window.playground.run('alembic upgrade head'))).exitCode, 0);
    const at = page.getByLabel('Show the schema at');
    const options = () => at.evaluate((select) => select.options.length);
    // Not focused: the live database and base only. (The live tables include alembic_version.)
    await page.waitForFunction((total) => document.querySelectorAll('section.schema details.table').length === total, count + 1);
    assert.equal(await options(), 2);
    // Focused from the keyboard: every revision, newest first after base.
    await at.focus();
    await page.waitForFunction((total) => document.querySelector('select[aria-label="Show the schema at"]').options.length === total, count + 2);
    await at.selectOption(id(3));
    await page.waitForFunction(() => document.querySelectorAll('section.schema details.table').length === 3);
    // Straight from one picker to the other: the second lists every revision too.
    const since = page.getByLabel('Show the changes since');
    await since.focus();
    await page.waitForFunction((total) => document.querySelector('select[aria-label="Show the changes since"]').options.length === total, count + 3);
    // Leaving the pickers shortens the lists again and keeps the chosen revision.
    await page.locator('#terminal-input').focus();
    await page.waitForFunction(() => document.querySelector('select[aria-label="Show the schema at"]').options.length === 3);
    assert.equal(await at.inputValue(), id(3));
    assert.deepEqual(await page.locator('section.schema details.table summary').allInnerTexts(), ['t1', 't2', 't3']);
    assert.deepEqual(playground.consoleErrors, []);
  } finally {
    await playground.close();
  }
});
