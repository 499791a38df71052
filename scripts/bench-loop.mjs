// A steadier page measure for A/B comparisons between builds than scripts/bench-browser.mjs:
// one page, the project's revisions written into it, then 5 rounds of `alembic upgrade head`,
// 8 × `alembic history` and `alembic current`, `alembic downgrade base`. Prints the medians
// (milliseconds) as JSON. Not a test.
// usage: node scripts/bench-loop.mjs <project-dir made by scripts/make_chain.py> [checkout]
// (`checkout`: another worktree whose dist/ to measure, with the same tests/e2e/browser.mjs)
import fs from 'node:fs';
import path from 'node:path';

const [dir, checkout = path.join(path.dirname(new URL(import.meta.url).pathname), '..')] = process.argv.slice(2);
process.chdir(checkout);
const { openPlayground } = await import(path.join(path.resolve(checkout), 'tests/e2e/browser.mjs'));
const files = {};
const versions = path.join(dir, 'migrations/versions');
for (const name of fs.readdirSync(versions).sort()) {
  if (name.endsWith('.py')) files[`alembic/versions/${name}`] = fs.readFileSync(path.join(versions, name), 'utf8');
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const playground = await openPlayground();
try {
  const { page } = playground;
  await page.goto(playground.server.url);
  await page.waitForFunction(() => window.playground && window.playground.ready === true);
  await page.waitForFunction(() => window.playground.warmedUp !== undefined);
  await page.evaluate((files) => window.playground.writeFiles(files), files);
  const time = (line) => page.evaluate((line) => {
    const start = performance.now();
    const output = window.playground.run(line);
    if (output.exitCode !== 0) throw new Error(`${line} failed: ${output.stderr}`);
    return performance.now() - start;
  }, line);
  const samples = { upgrade: [], history: [], current: [], downgrade: [] };
  for (let round = 0; round < 5; round++) {
    samples.upgrade.push(await time('alembic upgrade head'));
    for (let repeat = 0; repeat < 8; repeat++) {
      samples.history.push(await time('alembic history'));
      samples.current.push(await time('alembic current'));
    }
    samples.downgrade.push(await time('alembic downgrade base'));
  }
  console.log(JSON.stringify(Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)]))));
} finally {
  await playground.close();
}
