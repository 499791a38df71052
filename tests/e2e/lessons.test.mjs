// Every lesson can be completed in real Chromium by doing what its text asks, and is not
// completed by doing something else first (progress is checked from the real state).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { openPlayground, typeCommand, artifacts, gotoReady } from './browser.mjs';

const CREATE_ACCOUNT = "op.create_table('account', sa.Column('id', sa.Integer, primary_key=True))";
const UP = '    """Upgrade schema."""\n    pass';
const DOWN = '    """Downgrade schema."""\n    pass';
const up = (body) => `    """Upgrade schema."""\n    ${body}`;
const down = (body) => `    """Downgrade schema."""\n    ${body}`;

// Each lesson: a list of actions; `{ notDone: n }` asserts that n steps are done at that point
// and the lesson is not complete (the wrong thing did not count).
const LESSON_SCRIPTS = {
  'first-revision': [
    { cmd: 'alembic revision -m "create account table"' },
    { edit: '_create_account_table.py', from: [UP, DOWN], to: [up(CREATE_ACCOUNT), down("op.drop_table('account')")] },
    { cmd: 'alembic stamp head' },
    { notDone: 2 },
    { cmd: 'alembic stamp base' },
    { cmd: 'alembic upgrade head' },
  ],
  downgrade: [
    { cmd: 'alembic downgrade base' },
    { notDone: 0 },
    { cmd: 'alembic upgrade head' },
    { cmd: 'alembic downgrade -1' },
    { cmd: 'alembic upgrade +1' },
    { cmd: 'alembic downgrade base' },
  ],
  history: [
    { cmd: 'alembic heads' },
    { notDone: 0 },
    { cmd: 'alembic history' },
    { cmd: 'alembic current' },
  ],
  autogenerate: [
    { cmd: 'alembic check' },
    { notDone: 0 },
    { cmd: 'alembic revision --autogenerate -m "create account table"' },
    { cmd: 'alembic upgrade head' },
    { edit: 'models.py', from: ['    name: Mapped[str] = mapped_column(String(50))\n', 'from sqlalchemy import String\n'], to: ['    name: Mapped[str] = mapped_column(String(50))\n    email: Mapped[Optional[str]] = mapped_column(String(100))\n', 'from typing import Optional\n\nfrom sqlalchemy import String\n'] },
    { cmd: 'alembic revision --autogenerate -m "add email"' },
    { cmd: 'alembic upgrade head' },
  ],
  stamp: [
    { cmd: 'alembic current' },
    { notDone: 0 },
    { cmd: 'alembic upgrade head' },
    { cmd: 'alembic stamp head' },
  ],
  'two-heads': [
    { cmd: 'alembic upgrade heads' },
    { notDone: 0 },
    { cmd: 'alembic upgrade head' },
    { cmd: 'alembic merge heads -m "merge alice and bob"' },
    { cmd: 'alembic upgrade head' },
  ],
  batch: [
    { cmd: 'alembic revision -m "name not null"' },
    { edit: '_name_not_null.py', from: [UP], to: [up("op.alter_column('account', 'name', nullable=False, existing_type=sa.String(50))")] },
    { cmd: 'alembic upgrade head' },
    { cmd: 'alembic stamp head' },
    { notDone: 1 },
    { cmd: 'alembic downgrade -1' },
    { edit: '_name_not_null.py', from: ["    op.alter_column('account', 'name', nullable=False, existing_type=sa.String(50))"], to: ["    with op.batch_alter_table('account') as batch_op:\n        batch_op.alter_column('name', nullable=False, existing_type=sa.String(50))"] },
    { cmd: 'alembic upgrade head' },
  ],
  'half-applied': [
    { cmd: 'alembic upgrade head' },
    { cmd: 'alembic upgrade head' },
    { notDone: 1 },
    { edit: '_audit_table_and_seed.py', from: ['\n    op.execute("INSERT INTO audit_log (id) VALUES (1)")'], to: [''] },
    { cmd: 'sql DROP TABLE audit' },
    { cmd: 'alembic upgrade head' },
  ],
  'edit-applied': [
    { edit: '_create_account_table.py', from: ["sa.Column('name', sa.String(50)))"], to: ["sa.Column('name', sa.String(50)), sa.Column('email', sa.String(100)))"] },
    { cmd: 'alembic upgrade head' },
    { cmd: 'alembic history' },
    { notDone: 1 },
    { edit: '_create_account_table.py', from: ["sa.Column('name', sa.String(50)), sa.Column('email', sa.String(100)))"], to: ["sa.Column('name', sa.String(50)))"] },
    { cmd: 'alembic revision -m "add email"' },
    { edit: '_add_email.py', from: [UP], to: [up("op.add_column('account', sa.Column('email', sa.String(100)))")] },
    { cmd: 'alembic upgrade head' },
  ],
  'data-migration': [
    { cmd: 'alembic revision -m "add display name"' },
    { edit: '_add_display_name.py', from: [UP, DOWN], to: [up("op.add_column('account', sa.Column('display_name', sa.String(50)))"), down("op.drop_column('account', 'display_name')")] },
    { cmd: 'alembic upgrade head' },
    { notDone: 0 },
    { cmd: 'alembic downgrade -1' },
    { edit: '_add_display_name.py', from: ["op.add_column('account', sa.Column('display_name', sa.String(50)))"], to: ["op.add_column('account', sa.Column('display_name', sa.String(50)))\n    conn = op.get_bind()\n    for row in conn.execute(sa.text('SELECT id, name FROM account')):\n        conn.execute(sa.text('UPDATE account SET display_name = :d WHERE id = :i'), {'d': row.name.upper(), 'i': row.id})"] },
    { cmd: 'alembic upgrade head' },
    { cmd: 'alembic revision -m "display name required"' },
    { edit: '_display_name_required.py', from: [UP], to: [up("with op.batch_alter_table('account') as batch_op:\n        batch_op.alter_column('display_name', nullable=False, existing_type=sa.String(50))")] },
    { cmd: 'alembic upgrade head' },
  ],
};

async function doneCount(page) {
  return page.locator('.lesson li.done').count();
}

async function edit(page, suffix, from, to) {
  const name = (await page.evaluate(() => window.playground.listFiles())).find((file) => file.endsWith(suffix));
  assert.ok(name, `a file ending in ${suffix}`);
  let text = await page.evaluate((file) => window.playground.readFile(file), name);
  from.forEach((old, index) => {
    assert.ok(text.includes(old), `${name} contains ${JSON.stringify(old)}`);
    text = text.replace(old, to[index]);
  });
  await page.evaluate(([file, source]) => window.playground.writeFile(file, source), [name, text]);
}

for (const [id, actions] of Object.entries(LESSON_SCRIPTS)) {
  test(`lesson ${id}: done by doing what it asks, not by something else`, async () => {
    const playground = await openPlayground();
    try {
      const { page } = playground;
      page.on('dialog', (dialog) => dialog.accept());
      await gotoReady(page, `${playground.server.url}#lesson=${id}`);
      await page.locator('.lesson').waitFor();
      assert.equal(await doneCount(page), 0);
      // the lesson opens its first file: its newest revision, else models.py
      const opened = await page.locator('textarea.code').inputValue();
      const expected = { 'first-revision': 'class Account', 'autogenerate': 'class Account', 'half-applied': 'audit_log' }[id] ?? 'down_revision';
      assert.ok(opened.includes(expected), `lesson ${id} opens a file with ${expected}, got:\n${opened.slice(0, 200)}`);
      for (const action of actions) {
        if (action.cmd) await typeCommand(page, action.cmd);
        else if (action.edit) await edit(page, action.edit, action.from, action.to);
        else if (action.notDone !== undefined) {
          assert.equal(await doneCount(page), action.notDone, `after the wrong action, ${action.notDone} step(s) done`);
          assert.equal(await page.locator('.lesson-done').count(), 0);
        }
      }
      await page.locator('.lesson-done').waitFor();
      await page.screenshot({ path: path.join(artifacts, `lesson-${id}.png`) });
      assert.deepEqual(playground.consoleErrors, []);
    } finally {
      await playground.close();
    }
  });
}
