// Takes the README's screenshots of the release build (dist/) in headless Chromium: the whole
// page (dark, light, phone width) and each panel on its own (docs/panel-*.png).
// usage: node scripts/screenshots.mjs
import path from 'node:path';
import { openPlayground, repoRoot, typeCommand } from '../tests/e2e/browser.mjs';

const body = {
  account: "    op.create_table('account', sa.Column('id', sa.Integer, primary_key=True), sa.Column('name', sa.String(50), nullable=False))\n    op.bulk_insert(sa.table('account', sa.column('id', sa.Integer), sa.column('name', sa.String)), [{'id': 1, 'name': 'Ann'}, {'id': 2, 'name': 'Bob'}])",
  email: "    op.add_column('account', sa.Column('email', sa.String(100)))",
  address: "    op.create_table('address', sa.Column('id', sa.Integer, primary_key=True), sa.Column('account_id', sa.Integer, sa.ForeignKey('account.id'), nullable=False), sa.Column('street', sa.String(100)))",
  index: "    op.create_index('ix_account_email', 'account', ['email'], unique=True)",
};
const docs = (name) => path.join(repoRoot, 'docs', name);

const playground = await openPlayground();
try {
  const { page } = playground;
  page.on('dialog', (dialog) => dialog.accept());
  await page.goto(playground.server.url);
  await page.waitForFunction(() => window.playground && window.playground.ready === true);
  await page.emulateMedia({ colorScheme: 'dark' });
  const ids = [];
  for (const [message, upgrade] of [['create account table', body.account], ['add email', body.email], ['create address', body.address], ['index email', body.index]]) {
    const output = await page.evaluate((line) => window.playground.run(line), `alembic revision -m "${message}"`);
    const file = output.stdout.match(/\/project\/(\S+\.py)/)[1];
    ids.push(file.match(/versions\/([0-9a-f]{12})_/)[1]);
    const text = await page.evaluate((name) => window.playground.readFile(name), file);
    await page.evaluate(([name, source]) => window.playground.writeFile(name, source), [file, text.replace('    """Upgrade schema."""\n    pass', `    """Upgrade schema."""\n${upgrade}`)]);
  }
  for (const line of ['alembic upgrade head', 'alembic history', 'alembic current']) await typeCommand(page, line);
  await page.locator('#file-list button').nth(5).click();
  await page.screenshot({ path: docs('screenshot-desktop-dark.png') });
  await page.emulateMedia({ colorScheme: 'light' });
  await page.screenshot({ path: docs('screenshot-desktop-light.png') });
  await page.emulateMedia({ colorScheme: 'dark' });

  // Each panel on its own.
  await page.locator('.left').screenshot({ path: docs('panel-files-lessons-examples.png') });
  await page.locator('.editor').screenshot({ path: docs('panel-editor.png') });
  await page.locator('.terminal').screenshot({ path: docs('panel-terminal.png') });
  await page.locator('.revision-graph').screenshot({ path: docs('panel-revision-graph.png') });
  await page.locator('section.schema').screenshot({ path: docs('panel-schema-list.png') });
  await page.getByRole('button', { name: 'Diagram' }).click();
  await page.locator('section.schema').screenshot({ path: docs('panel-schema-diagram.png') });
  await page.getByRole('button', { name: 'List' }).click();
  await page.getByLabel('Show the schema at').selectOption(ids[3]);
  await page.getByLabel('Show the changes since').selectOption(ids[1]);
  await page.locator('section.schema .changes li').first().waitFor();
  await page.locator('section.schema').screenshot({ path: docs('panel-schema-changes.png') });
  await page.getByLabel('Show the schema at').selectOption('live');
  await page.getByLabel('Show the changes since').selectOption('');
  await typeCommand(page, 'alembic stamp base');
  await page.locator('.drift.differs').waitFor();
  await page.locator('.version-table').screenshot({ path: docs('panel-version-table-drift.png') });
  await typeCommand(page, 'alembic stamp head');

  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: docs('screenshot-mobile.png'), fullPage: true });
} finally {
  await playground.close();
}
