// Takes the README's screenshots of the release build (dist/) in headless Chromium:
// desktop (dark and light) and mobile width. usage: node scripts/screenshots.mjs
import path from 'node:path';
import { openPlayground, repoRoot } from '../tests/e2e/browser.mjs';

const body = {
  account: "    op.create_table('account', sa.Column('id', sa.Integer, primary_key=True), sa.Column('name', sa.String(50), nullable=False))\n    op.bulk_insert(sa.table('account', sa.column('id', sa.Integer), sa.column('name', sa.String)), [{'id': 1, 'name': 'Ann'}, {'id': 2, 'name': 'Bob'}])",
  email: "    op.add_column('account', sa.Column('email', sa.String(100)))",
  index: "    op.create_index('ix_account_email', 'account', ['email'], unique=True)",
};

const playground = await openPlayground();
try {
  const { page } = playground;
  await page.goto(playground.server.url);
  await page.waitForFunction(() => window.playground && window.playground.ready === true);
  for (const [message, upgrade] of [['create account table', body.account], ['add email', body.email], ['index email', body.index]]) {
    const output = await page.evaluate((line) => window.playground.run(line), `alembic revision -m "${message}"`);
    const file = output.stdout.match(/\/project\/(\S+\.py)/)[1];
    const text = await page.evaluate((name) => window.playground.readFile(name), file);
    await page.evaluate(([name, source]) => window.playground.writeFile(name, source), [file, text.replace('    """Upgrade schema."""\n    pass', `    """Upgrade schema."""\n${upgrade}`)]);
  }
  for (const line of ['alembic upgrade head', 'alembic history', 'alembic current']) {
    await page.fill('#terminal-input', line);
    await page.press('#terminal-input', 'Enter');
  }
  await page.locator('.file-tree button').nth(3).click();
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: path.join(repoRoot, 'docs/screenshot-desktop-dark.png') });
  await page.emulateMedia({ colorScheme: 'light' });
  await page.screenshot({ path: path.join(repoRoot, 'docs/screenshot-desktop-light.png') });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: path.join(repoRoot, 'docs/screenshot-mobile.png'), fullPage: true });
} finally {
  await playground.close();
}
