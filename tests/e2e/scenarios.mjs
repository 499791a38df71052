// The conformance scenarios (tests/scenarios/*.scenario) in the browser build, shared by the
// SQLite and the PostgreSQL runs: each step runs through real Alembic 1.20.1 in a folder and
// through `window.playground.run(...)` in the page, and exit code, stdout, stderr, the schema
// and the version table must match, with the same normalisation as the native harness
// (tests/conformance/harness.rs).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './browser.mjs';

export const alembic = process.env.ALEMBIC_BIN ?? path.join(repoRoot, '.venv/bin/alembic');

function parseScenario(text) {
  const steps = [];
  const lines = text.split('\n');
  let index = 0;
  const block = (terminators) => {
    const collected = [];
    while (index < lines.length) {
      const line = lines[index++];
      if (terminators.includes(line)) return collected.join('\n');
      collected.push(line);
    }
    throw new Error(`scenario block not closed by ${terminators}`);
  };
  while (index < lines.length) {
    const line = lines[index++];
    if (line.trim() === '' || line.startsWith('#')) continue;
    if (line === '@postgresql') continue;
    if (line === '$') steps.push({ run: '' });
    else if (line.startsWith('$ ')) steps.push({ run: line.slice(2) });
    else if (line.startsWith('@edit ')) {
      const upgrade = block(['@downgrade']);
      const downgrade = block(['@end']);
      steps.push({ edit: line.slice(6), upgrade, downgrade });
    } else if (line.startsWith('@write ')) steps.push({ write: line.slice(7), content: `${block(['@end'])}\n` });
    else if (line.startsWith('@replace ')) {
      const from = block(['@with']);
      const to = block(['@end']);
      steps.push({ replace: line.slice(9), from, to });
    } else if (line.startsWith('@remove ')) steps.push({ remove: line.slice(8) });
    else throw new Error(`unknown scenario line ${line}`);
  }
  return steps;
}

// A POSIX-shell split of simple command lines (quotes and backslashes), as the page does.
function splitWords(line) {
  const words = [];
  let current = '';
  let inWord = false;
  for (let index = 0; index < line.length; index++) {
    const character = line[index];
    if (character === "'") {
      inWord = true;
      const end = line.indexOf("'", index + 1);
      current += line.slice(index + 1, end);
      index = end;
    } else if (character === '"') {
      inWord = true;
      index++;
      while (line[index] !== '"') {
        if (line[index] === '\\' && '"\\$`'.includes(line[index + 1])) index++;
        current += line[index++];
      }
    } else if (/\s/.test(character)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      inWord = true;
      current += character;
    }
  }
  if (inWord) words.push(current);
  return words;
}

function normalise(text, project) {
  const lines = text.split(project).join('<project>').split('\n').map((line) => {
    const category = line.indexOf('Warning: ');
    if (category >= 0 && line.startsWith('/')) {
      const py = line.lastIndexOf('.py:', category);
      if (py >= 0) line = `<python>/${line.slice(line.lastIndexOf('/', py) + 1)}`;
    }
    const date = line.indexOf('Create Date: ');
    if (date >= 0) line = `${line.slice(0, date)}Create Date: <date>`;
    // Python prints objects it has no repr for with their memory address, which changes
    // from run to run (`<... object at 0x7f4c6e513710>`): the addresses are not compared.
    return line.replace(/ at 0x[0-9a-f]*/g, ' at 0x<address>');
  });
  return lines.join('\n');
}

function tracebackTail(stderr) {
  const lines = stderr.split('\n');
  const first = lines.findIndex((line) => line.startsWith('Traceback (most recent call last):'));
  if (first < 0) return stderr;
  let last = first;
  lines.forEach((line, index) => { if (line.startsWith('Traceback (most recent call last):')) last = index; });
  return [...lines.slice(0, first), 'Traceback (most recent call last):', ...lines.slice(last + 1).filter((line) => !line.startsWith(' '))].join('\n');
}

// `Running stamp_revision a, b -> c` lists the version table's rows in table order, which after
// an unmerge comes from Python set iteration (reference §5): sort the list before comparing.
function canonicalStampSources(stderr) {
  const prefix = 'INFO  [alembic.runtime.migration] Running stamp_revision ';
  // PostgreSQL's "assuming SERIAL" lines come from reflecting the tables autogenerate
  // compares, which Alembic iterates as a set: sort each run of them.
  const serial = 'INFO  [alembic.ddl.postgresql] Detected sequence named ';
  const lines = stderr.split('\n');
  for (let index = 0; index < lines.length;) {
    const start = index;
    while (index < lines.length && lines[index].startsWith(serial)) index++;
    lines.splice(start, index - start, ...lines.slice(start, index).sort());
    index = Math.max(index, start + 1);
  }
  return lines.map((line) => {
    if (!line.startsWith(prefix)) return line;
    const [sources, target] = line.slice(prefix.length).split(' -> ');
    if (target === undefined || !sources.includes(', ')) return line;
    return `${prefix}${sources.split(', ').sort().join(', ')} -> ${target}`;
  }).join('\n');
}

function canonicalSetOrder(line, stdout) {
  let lines = stdout.split('\n').map((text) => (text.startsWith('Branches into: ')
    ? `Branches into: ${text.slice(15).split(', ').sort().join(', ')}` : text));
  const trailing = lines.length > 0 && lines[lines.length - 1] === '' ? lines.pop() : null;
  const command = splitWords(line).find((word) => !word.startsWith('-')) ?? '';
  if (command === 'current' && !line.includes('-v')) lines.sort();
  if (command === 'branches') {
    let index = 0;
    while (index < lines.length) {
      const start = index;
      while (index < lines.length && lines[index].trimStart().startsWith('-> ')) index++;
      const sorted = lines.slice(start, index).sort();
      lines.splice(start, sorted.length, ...sorted);
      index++;
    }
  }
  if (line.includes('--sql')) {
    const isVersion = (text) => /^(INSERT INTO|UPDATE|DELETE FROM) alembic_version/.test(text);
    let blockStart = 0;
    for (let index = 0; index <= lines.length; index++) {
      if (index === lines.length || lines[index].startsWith('-- Running ')) {
        const count = lines.slice(blockStart, index).filter(isVersion).length;
        if (count >= 2) {
          for (let at = blockStart; at < index; at++) if (isVersion(lines[at])) lines[at] = '<alembic_version change chosen by set order>';
        }
        blockStart = index;
      }
    }
  }
  if (trailing !== null) lines.push(trailing);
  return lines.join('\n');
}

const readDatabase = `
import sqlite3, sys, json, os
path = sys.argv[1]
if not os.path.exists(path):
    print(json.dumps({"schema": [], "rows": None})); sys.exit()
db = sqlite3.connect(path)
schema = [" | ".join("NULL" if v is None else str(v) for v in row) for row in db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name")]
try:
    rows = sorted(r[0] for r in db.execute("SELECT version_num FROM alembic_version"))
except sqlite3.OperationalError:
    rows = None
print(json.dumps({"schema": schema, "rows": rows}))
`;

async function pageDatabase(page) {
  return page.evaluate(() => {
    const display = (value) => (value === null ? 'NULL' : String(value));
    // With a URL that names no SQLite file (PostgreSQL's `--sql` scenarios) there is no
    // database, as there is no app.db beside real Alembic's project.
    let schema;
    try {
      schema = window.playground.query('SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name')
        .rows.map((row) => row.map(display).join(' | '));
    } catch (error) {
      if (!String(error).includes('does not name a SQLite file database')) throw error;
      return { schema: [], rows: null };
    }
    let rows = null;
    try {
      rows = window.playground.query('SELECT version_num FROM alembic_version').rows.map((row) => String(row[0])).sort();
    } catch (error) {
      rows = null;
    }
    return { schema, rows };
  });
}

function readTree(root) {
  const files = {};
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.name === '__pycache__' || entry.name === 'app.db') continue;
      if (entry.isDirectory()) {
        files[`${path.relative(root, full)}/`] = "";
        walk(full);
      }
      else files[path.relative(root, full)] = fs.readFileSync(full, 'utf8');
    }
  };
  walk(root);
  return files;
}

function findRevisionFile(files, revision) {
  return Object.keys(files).find((name) => name.startsWith('migrations/versions/') && path.basename(name).startsWith(revision) && name.endsWith('.py'));
}

function applyEdit(step, read, write, remove, list) {
  if (step.edit) {
    const name = findRevisionFile(list(), step.edit);
    const text = read(name)
      .replace('    """Upgrade schema."""\n    pass', `    """Upgrade schema."""\n${step.upgrade}`)
      .replace('    """Downgrade schema."""\n    pass', `    """Downgrade schema."""\n${step.downgrade}`);
    write(name, text);
  } else if (step.write) write(step.write, step.content);
  else if (step.remove) remove(step.remove);
  else if (step.replace) write(step.replace, read(step.replace).replace(step.from, step.to));
}

/// Runs scenario `name` through real Alembic and the page. With `postgresql` (the server's URL,
/// `postgresql://user:password@host:port`), both projects name a PostgreSQL database: real
/// Alembic gets a fresh database on that server, the page its PGlite; the schemas are read from
/// `pg_catalog` on both sides. `stopBefore(step)`: the scenario ends before the first step it
/// holds for.
export async function runScenario(page, name, { postgresql, stopBefore = () => false } = {}) {
  const all = parseScenario(fs.readFileSync(path.join(repoRoot, 'tests/scenarios', `${name}.scenario`), 'utf8'));
  const stop = all.findIndex(stopBefore);
  const steps = stop < 0 ? all : all.slice(0, stop);
  const project = fs.mkdtempSync(path.join(os.tmpdir(), `browser-conformance-${name}-`));
  const init = spawnSync(alembic, ['init', 'migrations'], { cwd: project });
  assert.equal(init.status, 0, String(init.stderr));
  const ini = path.join(project, 'alembic.ini');
  const database = postgresql ? freshPostgresqlDatabase(postgresql, `browser_${name}`) : null;
  const url = database ? database.url : 'sqlite:///%(here)s/app.db';
  fs.writeFileSync(ini, fs.readFileSync(ini, 'utf8').replace('sqlalchemy.url = driver://user:pass@localhost/dbname', `sqlalchemy.url = ${url}`));
  await page.evaluate((files) => window.playground.loadProject(files), readTree(project));
  const mismatches = [];
  for (const [index, step] of steps.entries()) {
    if (step.run === undefined) {
      applyEdit(step,
        (name) => fs.readFileSync(path.join(project, name), 'utf8'),
        (name, text) => { fs.mkdirSync(path.dirname(path.join(project, name)), { recursive: true }); fs.writeFileSync(path.join(project, name), text); },
        (name) => fs.rmSync(path.join(project, name)),
        () => readTree(project));
      const pageFiles = await page.evaluate(() => {
        const files = {};
        for (const name of window.playground.listFiles()) files[name] = window.playground.readFile(name);
        return files;
      });
      const edits = [];
      applyEdit(step,
        (name) => pageFiles[name],
        (name, text) => { pageFiles[name] = text; edits.push([name, text]); },
        (name) => edits.push([name, null]),
        () => pageFiles);
      await page.evaluate((edits) => {
        for (const [name, text] of edits) {
          if (text === null) window.playground.removeFile(name);
          else window.playground.writeFile(name, text);
        }
      }, edits);
      continue;
    }
    const real = spawnSync(alembic, splitWords(step.run), { cwd: project, env: { ...process.env, COLUMNS: '80' } });
    const ours = await page.evaluate((line) => window.playground.run(`alembic ${line}`), step.run);
    const expected = {
      exitCode: real.status,
      stdout: canonicalSetOrder(step.run, normalise(real.stdout.toString(), project)),
      stderr: canonicalStampSources(normalise(real.stderr.toString(), project)),
    };
    const actual = {
      exitCode: ours.exitCode,
      stdout: canonicalSetOrder(step.run, normalise(ours.stdout, '/project')),
      stderr: canonicalStampSources(normalise(ours.stderr, '/project')),
    };
    if (expected.exitCode === 1) {
      expected.stderr = tracebackTail(expected.stderr);
      actual.stderr = tracebackTail(actual.stderr);
    }
    if (database) {
      Object.assign(expected, postgresqlState((query) => database.query(query)));
      Object.assign(actual, await pagePostgresqlState(page));
    } else {
      const realDatabase = JSON.parse(spawnSync('python3', ['-c', readDatabase, path.join(project, 'app.db')]).stdout.toString());
      Object.assign(expected, realDatabase);
      Object.assign(actual, await pageDatabase(page));
    }
    try {
      assert.deepEqual(actual, expected);
    } catch (error) {
      mismatches.push(`step ${index}: alembic ${step.run}\n${error.message}`);
    }
  }
  fs.rmSync(project, { recursive: true, force: true });
  if (database) database.drop();
  return mismatches;
}


// ---- PostgreSQL ----

/// A fresh database on the real server (dropped first if a run before left it).
function freshPostgresqlDatabase(server, name) {
  const psql = (database, sql) => {
    const result = spawnSync('psql', [`${server}/${database}`, '-v', 'ON_ERROR_STOP=1', '-At', '-c', sql]);
    assert.equal(result.status, 0, `psql ${sql}: ${result.stderr}`);
    return result.stdout.toString().replace(/\n$/, '');
  };
  psql('postgres', `DROP DATABASE IF EXISTS "${name}"`);
  psql('postgres', `CREATE DATABASE "${name}"`);
  const rest = server.replace(/^postgresql:\/\//, '');
  return {
    url: `postgresql+psycopg2://${rest}/${name}`,
    query: (sql) => psql(name, sql),
    drop: () => psql('postgres', `DROP DATABASE IF EXISTS "${name}"`),
  };
}

/// The schema as PostgreSQL describes it, one line per query: columns (type, nullability,
/// default), constraints and indexes as PostgreSQL prints their definitions, enum types; then
/// whether the version table exists. (NOT NULL shows in the columns: PGlite's PostgreSQL also
/// keeps it as a constraint of its own, `contype = 'n'`, which PostgreSQL 15 does not.)
const POSTGRESQL_STATE = [
  "SELECT coalesce(string_agg(format('%s.%s %s %s %s', table_name, column_name, data_type, is_nullable, coalesce(column_default, '-')), ' ; ' ORDER BY table_name, ordinal_position), '') FROM information_schema.columns WHERE table_schema = 'public'",
  "SELECT coalesce(string_agg(format('%s %s %s', conrelid::regclass, conname, pg_get_constraintdef(oid)), ' ; ' ORDER BY conrelid::regclass::text, conname), '') FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND contype <> 'n'",
  "SELECT coalesce(string_agg(pg_get_indexdef(indexrelid), ' ; ' ORDER BY indexrelid::regclass::text), '') FROM pg_index WHERE indrelid IN (SELECT oid FROM pg_class WHERE relnamespace = 'public'::regnamespace)",
  "SELECT coalesce(string_agg(format('%s %s', t.typname, e.enumlabel), ' ; ' ORDER BY t.typname, e.enumsortorder), '') FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid",
  "SELECT to_regclass('public.alembic_version') IS NOT NULL",
];
const VERSION_ROWS = "SELECT coalesce(string_agg(version_num, ',' ORDER BY version_num), '') FROM alembic_version";

function postgresqlState(query) {
  const schema = POSTGRESQL_STATE.map(query);
  const exists = schema.pop() === 't';
  const rows = exists ? query(VERSION_ROWS).split(',').filter((row) => row !== '') : null;
  return { schema, rows };
}

/// The same queries through the page's `sql` command (a one-row, one-column table: the value
/// is its third line).
async function pagePostgresqlState(page) {
  const values = {};
  for (const query of [...POSTGRESQL_STATE, VERSION_ROWS]) {
    const output = await page.evaluate((line) => window.playground.run(line), `sql ${query}`);
    values[query] = output.exitCode === 0 ? (output.stdout.split('\n')[2] ?? '') : `error: ${output.stderr}`;
  }
  return postgresqlState((query) => {
    const value = values[query];
    // (psql prints booleans as t and f, the page as True and False)
    if (query.startsWith('SELECT to_regclass')) return value === 'True' || value === 't' ? 't' : 'f';
    return value;
  });
}
