// Browser figures for scripts/bench: page load to ready-to-type, and command times in the
// page, in headless Chromium against dist/. Prints one JSON object on stdout.
// usage: node scripts/bench-browser.mjs <chain-50-dir> <chain-1000-dir>
import fs from 'node:fs';
import path from 'node:path';
import { openPlayground } from '../tests/e2e/browser.mjs';

function readWholeProject(dir) {
  const files = {};
  const walk = (current) => {
    for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.name === '__pycache__' || entry.name === 'app.db') continue;
      if (entry.isDirectory()) {
        files[`${path.relative(dir, full)}/`] = '';
        walk(full);
      } else files[path.relative(dir, full)] = fs.readFileSync(full, 'utf8');
    }
  };
  walk(dir);
  return files;
}

function readProject(dir) {
  const files = {};
  const versions = path.join(dir, 'migrations/versions');
  for (const name of fs.readdirSync(versions).sort()) {
    if (name.endsWith('.py')) files[`alembic/versions/${name}`] = fs.readFileSync(path.join(versions, name), 'utf8');
  }
  return files;
}

// Fresh pages per project: the machine's timings vary by up to 2x from run to run, so each
// figure is the median of several pages.
const FRESH_PAGES = 5;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

// Keystroke to next frame in the editor: a page with the 50-revision chain upgraded to head
// (50 tables in the database panel), one file open; each key is pressed once the frame after
// the previous one has been drawn, after a pause of random length. Median of `presses` keys,
// per file.
async function keystrokeFigures(target, files, presses = 30) {
  await target.evaluate(() => window.playground.reset());
  await target.evaluate((files) => window.playground.writeFiles(files), files);
  const upgraded = await target.evaluate(() => window.playground.run('alembic upgrade head'));
  if (upgraded.exitCode !== 0) throw new Error(upgraded.stdout + upgraded.stderr);
  await target.evaluate(() => {
    window.__keyFrames = [];
    document.addEventListener('keydown', (event) => {
      const start = event.timeStamp;
      requestAnimationFrame(() => setTimeout(() => window.__keyFrames.push(performance.now() - start), 0));
    }, true);
  });
  const newest = Object.keys(files).filter((name) => name.endsWith('.py')).sort().pop();
  const figures = {};
  for (const [label, open] of [['models.py', null], ['a revision file', newest]]) {
    if (open) {
      // `alembic edit` opens the revision in the editor, as in the terminal.
      const id = files[open].match(/^revision[^=]*= ['"]([^'"]+)['"]/m)[1];
      const edited = await target.evaluate((id) => window.playground.run(`alembic edit ${id}`), id);
      if (edited.exitCode !== 0) throw new Error(edited.stdout + edited.stderr);
    } else {
      await target.locator('.file-tree button[aria-label="models.py"]').click();
    }
    const area = target.locator('textarea.code.input');
    await area.click();
    await target.keyboard.press('Control+End');
    await target.keyboard.type('\n# ');
    await target.waitForTimeout(500);
    await target.evaluate(() => { window.__keyFrames = []; });
    for (let press = 0; press < presses; press++) {
      // A pause of random length first, as a learner's keys fall anywhere between two frames
      // (pressing right after the previous frame would measure the frame interval instead).
      await target.waitForTimeout(20 + Math.random() * 40);
      await target.keyboard.press('x');
      await target.waitForFunction((count) => window.__keyFrames.length > count, press, { polling: 10 });
    }
    const frames = await target.evaluate(() => window.__keyFrames);
    figures[label] = median(frames);
  }
  return figures;
}

const args = process.argv.slice(2);
const keystrokeOnly = args[0] === '--keystroke';
const [chain50, chain1000, models200] = keystrokeOnly ? args.slice(1) : args;
const result = {};
const playground = await openPlayground();
const { page } = playground;
try {
  measure: {
  if (keystrokeOnly) {
    await page.goto(playground.server.url);
    await page.waitForFunction(() => window.playground && window.playground.ready === true);
    await page.waitForFunction(() => window.playground.warmedUp !== undefined);
    const runs = [];
    for (let run = 0; run < 3; run++) runs.push(await keystrokeFigures(page, readProject(chain50)));
    result.keystroke_runs = runs;
    break measure;
  }
  const loads = [];
  for (let attempt = 0; attempt < 7; attempt++) {
    const context = await playground.browser.newContext();
    const fresh = await context.newPage();
    await fresh.goto(playground.server.url);
    await fresh.waitForFunction(() => window.playground && window.playground.ready === true);
    loads.push(await fresh.evaluate(() => {
      const navigation = performance.getEntriesByType('navigation')[0];
      return { ready: window.playground.readyAt, loadEvent: navigation.loadEventEnd, domContentLoaded: navigation.domContentLoadedEventEnd };
    }));
    await context.close();
  }
  result.ready_ms = median(loads.map((load) => load.ready));
  result.ready_after_load_ms = median(loads.map((load) => load.ready - Math.min(load.ready, load.loadEvent || load.ready)));

  // A fresh page, loaded and idle (it compiles and optimises the engine's hot paths once it
  // is idle after loading, Session::warm_up; a learner's first command comes after that).
  const freshPage = async () => {
    const context = await playground.browser.newContext();
    const fresh = await context.newPage();
    await fresh.goto(playground.server.url);
    await fresh.waitForFunction(() => window.playground && window.playground.ready === true);
    await fresh.waitForFunction(() => window.playground.warmedUp !== undefined);
    return { context, fresh };
  };
  const commands = ['alembic upgrade head', 'alembic history', 'alembic current', 'alembic downgrade base'];
  const runRound = async (target) => {
    const timings = {};
    for (const command of commands) {
      timings[command] = await target.evaluate((command) => {
        const start = performance.now();
        const output = window.playground.run(command);
        const elapsed = performance.now() - start;
        if (output.exitCode !== 0) throw new Error(`${command} failed: ${output.stdout}${output.stderr}`);
        return elapsed;
      }, command);
    }
    return timings;
  };
  for (const [label, dir] of [['chain50', chain50], ['chain1000', chain1000]]) {
    const files = readProject(dir);
    // Fresh pages: each gets the project (the whole page redrawn for it: revision graph
    // laid out and drawn, panels read, from the files arriving to the frame after the redraw)
    // and runs the four commands once, cold; the last page then runs four more rounds, as
    // commands run once the learner has typed a command or two.
    const redraws = [];
    const firsts = [];
    let warmRounds = [];
    for (let attempt = 0; attempt < FRESH_PAGES; attempt++) {
      const { context, fresh } = await freshPage();
      await fresh.evaluate(() => window.playground.reset());
      redraws.push(await fresh.evaluate(async (files) => {
        const start = performance.now();
        window.playground.writeFiles(files);
        await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
        return performance.now() - start;
      }, files));
      firsts.push(await runRound(fresh));
      if (attempt === FRESH_PAGES - 1) {
        for (let round = 0; round < 4; round++) warmRounds.push(await runRound(fresh));
      }
      await context.close();
    }
    result[`${label}_redraw_ms`] = median(redraws);
    result[label] = Object.fromEntries(commands.map((command) => [command, {
      first: median(firsts.map((timings) => timings[command])),
      warm: median(warmRounds.map((timings) => timings[command])),
    }]));
  }
  await page.goto(playground.server.url);
  await page.waitForFunction(() => window.playground && window.playground.ready === true);
  await page.waitForFunction(() => window.playground.warmedUp !== undefined);
  result.keystroke = await keystrokeFigures(page, readProject(chain50));
  result.warmed_up = await page.evaluate(() => window.playground.warmedUp);
  if (models200) {
    await page.evaluate((files) => window.playground.loadProject(files), readWholeProject(models200));
    const upgraded = await page.evaluate(() => window.playground.run('alembic upgrade head'));
    if (upgraded.exitCode !== 0) throw new Error(upgraded.stdout + upgraded.stderr);
    result.autogenerate200 = await page.evaluate(() => {
      const start = performance.now();
      const output = window.playground.run('alembic revision --autogenerate -m bench --rev-id benchbench');
      const elapsed = performance.now() - start;
      if (output.exitCode !== 0) throw new Error(output.stdout + output.stderr);
      return elapsed;
    });
  }
  }
} finally {
  await playground.close();
}
console.log(JSON.stringify(result));
