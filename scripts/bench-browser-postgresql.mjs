// PostgreSQL figures for scripts/bench-postgresql: PGlite's download and start (cold, and
// cached in the same browser profile), then each command on a project (the 50-revision
// chain) run in the PostgreSQL page on PGlite. Prints one JSON object on stdout.
// usage: node scripts/bench-browser-postgresql.mjs <project-dir> <url> <command>...
// Each command is timed ROUNDS times in the page; `upgrade` runs on an empty database and
// `downgrade` from head (the page's database is put in that state first, untimed).
import fs from 'node:fs';
import path from 'node:path';
import { openPlayground } from '../tests/e2e/browser.mjs';

const ROUNDS = 7;
const [dir, url, ...commands] = process.argv.slice(2);

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function readProject(dir) {
  const files = {};
  const versions = path.join(dir, 'migrations/versions');
  for (const name of fs.readdirSync(versions).sort()) {
    if (name.endsWith('.py')) files[`alembic/versions/${name}`] = fs.readFileSync(path.join(versions, name), 'utf8');
  }
  return files;
}

/// From navigation to PGlite running, in a page of `context`.
async function startUp(context, address) {
  const page = await context.newPage();
  await page.goto(address);
  await page.waitForFunction(() => window.playground && window.playground.ready === true);
  await page.waitForFunction(() => window.playground.postgresql !== 'starting', null, { timeout: 120000 });
  const state = await page.evaluate(() => window.playground.postgresql);
  if (state !== 'running') throw new Error(`PGlite: ${state}`);
  return { page, ms: await page.evaluate(() => performance.now()) };
}

const playground = await openPlayground();
const result = {};
try {
  const address = `${playground.server.url}pg/`;
  const cold = [];
  const cached = [];
  for (let attempt = 0; attempt < 3; attempt++) {
    const context = await playground.browser.newContext();
    const first = await startUp(context, address);
    cold.push(first.ms);
    await first.page.close();
    const again = await startUp(context, address);
    cached.push(again.ms);
    await context.close();
  }
  result.ready_cold_ms = median(cold);
  result.ready_cached_ms = median(cached);

  const context = await playground.browser.newContext();
  const { page } = await startUp(context, address);
  await page.evaluate(({ files, url }) => {
    window.playground.reset();
    window.playground.writeFiles(files);
    const ini = window.playground.readFile('alembic.ini');
    window.playground.writeFile('alembic.ini', ini.replace(/^sqlalchemy\.url = .*$/m, `sqlalchemy.url = ${url}`));
  }, { files: readProject(dir), url });
  const run = (line) => page.evaluate((line) => {
    const start = performance.now();
    const output = window.playground.run(line);
    return { ms: performance.now() - start, output };
  }, line);
  const must = async (line) => {
    const { output } = await run(line);
    if (output.exitCode !== 0) throw new Error(`${line}: ${output.stdout}${output.stderr}`);
  };
  const empty = async () => {
    await must('alembic downgrade base');
    await must('sql DROP TABLE IF EXISTS alembic_version');
  };
  result.commands = {};
  for (const command of commands) {
    const samples = [];
    for (let round = 0; round < ROUNDS; round++) {
      if (command === 'alembic upgrade head') await empty();
      else await must('alembic upgrade head');
      const { ms, output } = await run(command);
      if (output.exitCode !== 0) throw new Error(`${command}: ${output.stdout}${output.stderr}`);
      samples.push(ms);
    }
    result.commands[command] = median(samples);
  }
  await context.close();
} finally {
  await playground.close();
}
console.log(JSON.stringify(result));
