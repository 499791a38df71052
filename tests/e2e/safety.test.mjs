// Fault tests: the learner's work survives faults, other tabs, hostile pages and hostile links.
// Each test makes some work, causes the fault, and checks that nothing was lost and the page
// still works. Faults are real where the browser allows it (another tab, a closed page, a
// hostile page on another origin of the same site, crafted links and database files) and
// injected into the browser's own storage API where it does not (a full disk, storage turned
// off, IndexedDB failing to open).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openPlayground, gotoReady, typeCommand, terminalText, artifacts } from './browser.mjs';
import { serveDist } from './server.mjs';

/// Waits until this tab has saved past `generation` and nothing waits to be saved.
async function waitSaved(page, generation = 0) {
  await page.waitForFunction((above) => {
    const state = window.playground.saveState();
    return !state.pending && state.generation > above;
  }, generation);
  return page.evaluate(() => window.playground.saveState().generation);
}

/// The learner's work: a file and a table with a row, saved.
async function makeWork(page) {
  await page.evaluate(() => window.playground.writeFile('notes.txt', 'my notes\n'));
  await typeCommand(page, 'sql CREATE TABLE keep (x INTEGER)');
  await typeCommand(page, 'sql INSERT INTO keep VALUES (42)');
  return waitSaved(page);
}

async function assertWorkKept(page) {
  assert.equal(await page.evaluate(() => window.playground.readFile('notes.txt')), 'my notes\n');
  assert.deepEqual(await page.evaluate(() => window.playground.query('SELECT x FROM keep').rows), [[42]]);
}

/// Reads or changes the playground's IndexedDB from inside the page, as a damaged disk or
/// another program would: `get` a record, `put` one, `delete` one, or list the `keys`.
function store(page, action, key = null, record = null) {
  return page.evaluate(([action, key, record]) => new Promise((resolve, reject) => {
    const open = indexedDB.open('alembic-playground', 1);
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const transaction = open.result.transaction('saves', action === 'get' || action === 'keys' ? 'readonly' : 'readwrite');
      const saves = transaction.objectStore('saves');
      const request = action === 'get' ? saves.get(key)
        : action === 'keys' ? saves.getAllKeys()
        : action === 'put' ? saves.put({ ...record, bytes: new Uint8Array(record.bytes) }, key)
        : saves.delete(key);
      transaction.oncomplete = () => {
        open.result.close();
        const result = request.result;
        resolve(action === 'get' && result ? { ...result, bytes: Array.from(result.bytes) } : action === 'keys' ? result : result ?? null);
      };
      transaction.onerror = () => reject(transaction.error);
    };
  }), [action, key, record]);
}

async function asideKeys(page) {
  return (await store(page, 'keys')).filter((key) => key.startsWith('aside/'));
}

/// A share link in the playground's format 1 (share.rs), built by hand as a hostile page would.
function hostileLink({ files = [], databases = [] }) {
  const out = [];
  const number = (value) => {
    const bytes = [];
    while (value >= 0x80) { bytes.push((value % 0x80) | 0x80); value = Math.floor(value / 0x80); }
    bytes.push(value);
    out.push(Buffer.from(bytes));
  };
  const text = (value) => { const bytes = Buffer.from(value, 'utf8'); number(bytes.length); out.push(bytes); };
  number(0);
  number(files.length);
  for (const [name, body] of files) { text(name); number(1); text(body); }
  number(databases.length);
  for (const [name, statements] of databases) { text(name); number(statements.length); for (const statement of statements) text(statement); }
  number(0); number(0); number(0); number(0);
  return `1.${zlib.deflateRawSync(Buffer.concat(out)).toString('base64url')}`;
}

test('a hostile opener and hostile same-site frames get no answers, and the work is kept', async () => {
  const playground = await openPlayground();
  const site = playground.server.url.replace(/\/$/, '');
  const methods = ['run', 'readFile', 'writeFile', 'listFiles', 'query', 'shareUrl', 'reset', 'undo', 'exportZip', 'loadProject', 'removeFile'];
  const attacker = `
    const METHODS = ${JSON.stringify(methods)};
    const ARGS = { run: ['sql DROP TABLE keep'], query: ['DELETE FROM keep'], writeFile: ['notes.txt', 'pwned'], readFile: ['notes.txt'], removeFile: ['notes.txt'], loadProject: [{}], exportZip: [true] };
    window.got = [];
    addEventListener('message', (event) => window.got.push({ source: event.source, data: event.data }));
    window.attack = (target, tag) => {
      METHODS.forEach((method, index) => target.postMessage({ id: tag + index, method, args: ARGS[method] ?? [] }, '*'));
      target.postMessage({ probe: tag }, '*');
    };
    window.answered = (tag) => window.got.some((message) => message.data && message.data.probeDone === tag);
    window.replies = (tag) => window.got.filter((message) => message.data && typeof message.data.id === 'string' && message.data.id.startsWith(tag)).map((message) => message.data);`;
  const hostile = await serveDist(fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-')), {
    '/opener.html': `<!doctype html><meta charset="utf-8"><script>${attacker}</script>`,
    '/frames.html': `<!doctype html><meta charset="utf-8">
      <iframe name="full" src="${site}/"></iframe>
      <iframe name="embed" src="${site}/?embed&panels=terminal"></iframe>
      <iframe name="restricted" src="${site}/?embed&panels=terminal&origin=https://docs.example.org"></iframe>
      <iframe name="sibling" src="/sibling.html"></iframe>
      <script>${attacker}</script>`,
    '/sibling.html': `<!doctype html><meta charset="utf-8"><script>${attacker}</script>`,
  });
  // Answers a probe, to the sender and to the parent: once the probe's answer arrives, every
  // earlier reply from that window has arrived too (messages between two windows keep their order).
  const probeResponder = () => addEventListener('message', (event) => {
    if (event.data && event.data.probe) {
      event.source.postMessage({ probeDone: event.data.probe }, '*');
      if (parent !== window && event.source !== parent) parent.postMessage({ probeDone: event.data.probe }, '*');
    }
  });
  try {
    const { page, context } = playground;
    await gotoReady(page, playground.server.url);
    await makeWork(page);

    // An opener on another origin of the same site: window.open, then every method by message.
    const evil = await context.newPage();
    await evil.goto(`${hostile.url}opener.html`);
    const [popup] = await Promise.all([
      context.waitForEvent('page'),
      evil.evaluate((url) => { window.opened = window.open(url); }, playground.server.url),
    ]);
    await popup.waitForFunction(() => window.playground && window.playground.ready === true);
    await popup.evaluate(probeResponder);
    await evil.evaluate(() => window.attack(window.opened, 'opener-'));
    await evil.waitForFunction(() => window.answered('opener-'));
    assert.deepEqual(await evil.evaluate(() => window.replies('opener-')), []);
    await assertWorkKept(popup);
    await popup.close();

    // Frames: the full page framed, an embed, an embed restricted to another origin, and a
    // sibling frame that posts to the embed.
    await evil.goto(`${hostile.url}frames.html`);
    const frame = (name) => evil.frame({ name });
    for (const name of ['full', 'embed', 'restricted']) {
      await frame(name).waitForFunction(() => window.playground && window.playground.ready === true);
      await frame(name).evaluate(probeResponder);
    }
    await frame('sibling').waitForFunction(() => typeof window.attack === 'function');
    // The framed full page neither opened the visitor's work nor answers messages.
    assert.ok(!(await frame('full').evaluate(() => window.playground.listFiles())).includes('notes.txt'));
    assert.match(await frame('full').locator('.banner.error').innerText(), /inside another page/);
    await evil.evaluate(() => window.attack(window.frames.full, 'full-'));
    await evil.waitForFunction(() => window.answered('full-'));
    assert.deepEqual(await evil.evaluate(() => window.replies('full-')), []);
    // The embed answers its parent (that is what embeds are for) but holds none of the
    // visitor's work, and its reset leaves the visitor's storage alone.
    assert.ok(!(await frame('embed').evaluate(() => window.playground.listFiles())).includes('notes.txt'));
    await evil.evaluate(() => window.attack(window.frames.embed, 'embed-'));
    await evil.waitForFunction(() => window.answered('embed-'));
    const answers = await evil.evaluate(() => window.replies('embed-'));
    assert.equal(answers.length, methods.length);
    assert.ok(answers.find((answer) => answer.id === 'embed-9').error.includes('unknown method'), 'loadProject is not offered by message');
    // An embed that names its host's origin ignores any other origin.
    await evil.evaluate(() => window.attack(window.frames.restricted, 'restricted-'));
    await evil.waitForFunction(() => window.answered('restricted-'));
    assert.deepEqual(await evil.evaluate(() => window.replies('restricted-')), []);
    // A sibling frame is not the embed's parent: no answer, to the sibling or to the parent.
    await frame('sibling').evaluate(() => window.attack(parent.frames.embed, 'sibling-'));
    await frame('sibling').waitForFunction(() => window.answered('sibling-'));
    await evil.waitForFunction(() => window.answered('sibling-'));
    assert.deepEqual(await frame('sibling').evaluate(() => window.replies('sibling-')), []);
    assert.deepEqual(await evil.evaluate(() => window.replies('sibling-')), []);
    await evil.close();

    // The visitor's own tab, reloaded: every file and row is there.
    await gotoReady(page, playground.server.url);
    await assertWorkKept(page);
  } finally {
    await hostile.close();
    await playground.close();
  }
});

test('two tabs editing in turn never overwrite each other', async () => {
  const playground = await openPlayground();
  try {
    const { page: first, context } = playground;
    await gotoReady(first, playground.server.url);
    await first.evaluate(() => window.playground.writeFile('notes.txt', 'first tab, 1\n'));
    const firstSave = await waitSaved(first);

    const second = await context.newPage();
    await gotoReady(second, playground.server.url);
    assert.equal(await second.evaluate(() => window.playground.readFile('notes.txt')), 'first tab, 1\n');
    await second.evaluate(() => window.playground.writeFile('notes.txt', 'second tab, 1\n'));
    await waitSaved(second, firstSave);

    // The first tab hears of it and pauses instead of saving over it.
    const notice = first.getByRole('alertdialog');
    await notice.waitFor();
    assert.match(await notice.innerText(), /changed in another tab/i);
    await first.screenshot({ path: path.join(artifacts, 'paused-tab.png') });
    assert.equal(await first.evaluate(() => window.playground.saveState().paused), true);
    // "Use this tab" brings the second tab's work here; the first tab's own state stays one undo away.
    await first.getByRole('button', { name: 'Use this tab' }).click();
    await first.waitForFunction(() => window.playground.readFile('notes.txt') === 'second tab, 1\n');
    await first.evaluate(() => window.playground.writeFile('notes.txt', 'first tab, 2\n'));
    await waitSaved(first, firstSave + 1);
    await second.getByRole('alertdialog').waitFor();

    // A tab that never hears of the other tab's save (no BroadcastChannel) is still refused:
    // the save compares generations, and the tab pauses instead.
    const deaf = await context.newPage();
    await deaf.addInitScript(() => { delete window.BroadcastChannel; });
    await gotoReady(deaf, playground.server.url);
    const deafStart = await deaf.evaluate(() => window.playground.saveState().generation);
    await first.evaluate(() => window.playground.writeFile('notes.txt', 'first tab, 3\n'));
    await waitSaved(first, deafStart);
    await deaf.evaluate(() => window.playground.writeFile('notes.txt', 'deaf tab\n'));
    await deaf.waitForFunction(() => window.playground.saveState().paused);

    const check = await context.newPage();
    await gotoReady(check, playground.server.url);
    assert.equal(await check.evaluate(() => window.playground.readFile('notes.txt')), 'first tab, 3\n');
    assert.deepEqual(playground.consoleErrors, []);
  } finally {
    await playground.close();
  }
});

test('a page closed 50 ms after an edit keeps the edit', async () => {
  const playground = await openPlayground();
  try {
    const { page, context } = playground;
    await gotoReady(page, playground.server.url);
    await makeWork(page);
    await page.evaluate(() => window.playground.writeFile('notes.txt', 'my notes\nwritten just before closing\n'));
    // The fault itself: the tab goes away 50 ms after the edit (saves wait 250 ms).
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 50)));
    await page.close();
    const again = await context.newPage();
    await gotoReady(again, playground.server.url);
    assert.equal(await again.evaluate(() => window.playground.readFile('notes.txt')), 'my notes\nwritten just before closing\n');
    assert.deepEqual(await again.evaluate(() => window.playground.query('SELECT x FROM keep').rows), [[42]]);
  } finally {
    await playground.close();
  }
});

test('a damaged saved session is kept aside, offered as a download, and never overwritten', async () => {
  const playground = await openPlayground();
  try {
    const { page } = playground;
    await gotoReady(page, playground.server.url);
    const generation = await makeWork(page);
    const saved = await store(page, 'get', 'session');
    assert.equal(saved.generation, generation);
    const damaged = saved.bytes.slice(0, Math.floor(saved.bytes.length / 2));
    await store(page, 'put', 'session', { ...saved, bytes: damaged });

    await gotoReady(page, playground.server.url);
    const banner = page.locator('.banner.error');
    await banner.waitFor();
    assert.match(await banner.innerText(), /could not be opened .*kept aside/s);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download kept work' }).click(),
    ]);
    const file = path.join(artifacts, 'kept-work.playground');
    await download.saveAs(file);
    assert.deepEqual(Array.from(fs.readFileSync(file)), damaged);
    assert.equal((await asideKeys(page)).length, 1);

    // The page works, and its next save leaves the kept copy alone.
    await typeCommand(page, 'alembic revision -m "after the damage"');
    assert.match(await terminalText(page), /Generating .*after_the_damage\.py/);
    await waitSaved(page, generation);
    assert.equal((await asideKeys(page)).length, 1);

    // An earlier release's save (SQL text in localStorage) that SQL cannot rebuild: a
    // generated column (the old dump wrote its value too). Kept aside the same way.
    await page.evaluate(() => localStorage.setItem('alembic-playground/session/v1', JSON.stringify({
      files: [['/project/notes.txt', 'old\n']], dirs: ['/project'],
      databases: [['/project/app.db', ['CREATE TABLE g (a INTEGER, b INTEGER GENERATED ALWAYS AS (a + 1))', 'INSERT INTO g VALUES (1, 2)']]],
      history: [], transcript: [], applied_sources: [],
    })));
    await store(page, 'delete', 'session');
    await gotoReady(page, playground.server.url);
    await page.locator('.banner.error').waitFor();
    assert.match(await page.locator('.banner.error').innerText(), /could not be opened/);
    assert.equal((await asideKeys(page)).length, 2);
    assert.equal(await page.evaluate(() => localStorage.getItem('alembic-playground/session/v1')), null);
  } finally {
    await playground.close();
  }
});

test('storage full, storage turned off and IndexedDB failing: told at once, nothing lost, everything works', async () => {
  const playground = await openPlayground();
  try {
    const { browser } = playground;
    // A full disk: IndexedDB refuses writes with QuotaExceededError while the flag is set.
    const full = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    await full.addInitScript(() => {
      const put = IDBObjectStore.prototype.put;
      IDBObjectStore.prototype.put = function (...args) {
        if (window.storageFull) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        return put.apply(this, args);
      };
    });
    const page = await full.newPage();
    await gotoReady(page, playground.server.url);
    const generation = await makeWork(page);
    await page.evaluate(() => { window.storageFull = true; });
    await typeCommand(page, 'sql INSERT INTO keep VALUES (43)');
    await page.locator('.banner.error').waitFor();
    assert.match(await page.locator('.banner.error').innerText(), /could not be saved .*QuotaExceededError/s);
    await page.screenshot({ path: path.join(artifacts, 'storage-full.png') });
    // Leaving now would lose the change: the browser asks first.
    const asked = new Promise((resolve) => page.once('dialog', async (dialog) => { resolve(dialog.type()); await dialog.dismiss(); }));
    await page.close({ runBeforeUnload: true });
    assert.equal(await asked, 'beforeunload');
    // Space again: the next change saves everything, and the message goes away.
    await page.evaluate(() => { window.storageFull = false; });
    await typeCommand(page, 'sql INSERT INTO keep VALUES (44)');
    await waitSaved(page, generation);
    await page.locator('.banner.error').waitFor({ state: 'detached' });
    await gotoReady(page, playground.server.url);
    assert.deepEqual(await page.evaluate(() => window.playground.query('SELECT x FROM keep ORDER BY x').rows), [[42], [43], [44]]);
    await full.close();

    // Storage turned off (private mode, a browser setting), and IndexedDB failing to open.
    const faults = {
      off: () => {
        const denied = () => { throw new DOMException('The user denied permission to access the database.', 'SecurityError'); };
        Object.defineProperty(window, 'indexedDB', { get: denied });
        Object.defineProperty(window, 'localStorage', { get: denied });
      },
      failing: () => {
        IDBFactory.prototype.open = function () {
          const request = { error: new DOMException('Internal error opening backing store for indexedDB.open.', 'UnknownError') };
          setTimeout(() => request.onerror && request.onerror(), 0);
          return request;
        };
      },
    };
    for (const [name, fault] of Object.entries(faults)) {
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      await context.addInitScript(fault);
      const broken = await context.newPage();
      const errors = [];
      broken.on('pageerror', (error) => errors.push(String(error)));
      await gotoReady(broken, playground.server.url);
      await broken.locator('.banner.error').waitFor();
      assert.match(await broken.locator('.banner.error').innerText(), /Browser storage cannot be used here/, name);
      await typeCommand(broken, 'alembic revision -m "still works"');
      assert.match(await terminalText(broken), /Generating .*still_works\.py/, name);
      assert.equal(await broken.evaluate(() => window.playground.saveState().off), 'unavailable', name);
      assert.deepEqual(errors, [], name);
      await context.close();
    }
  } finally {
    await playground.close();
  }
});

test('hostile share links are refused or stopped, and the page stays usable', async () => {
  const playground = await openPlayground();
  try {
    const { page, browser } = playground;
    await gotoReady(page, playground.server.url);
    await makeWork(page);
    const endless = hostileLink({
      files: [['/project/notes.txt', 'from the link\n']],
      databases: [['/project/app.db', ['CREATE TABLE t AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) AS n FROM c']]],
    });
    const cases = [
      [endless, /interrupted: the statement ran past the playground's limit/],
      [hostileLink({ databases: Array.from({ length: 100000 }, (_, index) => [`/project/db${index}.db`, []]) }), /holds 100000 databases; the playground opens at most 16/],
      [hostileLink({ files: [['/project/big.txt', 'x'.repeat(16 * 1024 * 1024 + 1)]] }), /damaged or too large/],
      [hostileLink({ files: [['/project/a\\b.py', '']] }), /not accepted in a file name/],
      [hostileLink({ files: [['/project/a\u0000.py', '']] }), /not accepted in a file name/],
    ];
    // The visitor accepts every link: it still cannot hang the page or replace the work.
    page.on('dialog', (dialog) => dialog.accept());
    for (const [link, expected] of cases) {
      await page.goto('about:blank');
      await gotoReady(page, `${playground.server.url}#s=${link}`);
      await page.locator('.banner.error').waitFor();
      assert.match(await page.locator('.banner.error').innerText(), expected);
      await assertWorkKept(page);
      await typeCommand(page, 'alembic history');
    }
    // An embed of the endless link loads, says why, and works.
    const visitor = await browser.newContext({ viewport: { width: 1000, height: 700 } });
    const embed = await visitor.newPage();
    await gotoReady(embed, `${playground.server.url}?embed&panels=terminal#s=${endless}`);
    await embed.locator('.banner.error').waitFor();
    assert.match(await embed.locator('.banner.error').innerText(), /interrupted/);
    const output = await embed.evaluate(() => window.playground.run('sql SELECT 6 * 7'));
    assert.match(output.stdout, /42/);
    await visitor.close();
  } finally {
    await playground.close();
  }
});

test('a crafted database: its triggers are named before they can fire; views, generated columns survive', async () => {
  const playground = await openPlayground();
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'crafted-'));
  try {
    const crafted = path.join(folder, 'crafted.db');
    const virtual = path.join(folder, 'virtual.db');
    const made = spawnSync('python3', ['-c', `
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.executescript("""
CREATE TABLE account (id INTEGER PRIMARY KEY, name TEXT, upper_name TEXT GENERATED ALWAYS AS (upper(name)));
CREATE TABLE audit (account_id INTEGER);
INSERT INTO account (id, name) VALUES (1, 'ann');
CREATE VIEW names AS SELECT upper_name FROM account;
CREATE TRIGGER account_audit AFTER INSERT ON account BEGIN INSERT INTO audit VALUES (new.id); END;
""")
db.close()
db = sqlite3.connect(sys.argv[2])
try:
    db.execute("CREATE VIRTUAL TABLE docs USING fts5(body)")
except sqlite3.OperationalError:
    db.execute("CREATE VIRTUAL TABLE docs USING rtree(id, x0, x1)")
db.commit()
`, crafted, virtual]);
    assert.equal(made.status, 0, String(made.stderr));
    const { page } = playground;
    await gotoReady(page, playground.server.url);
    await makeWork(page);

    // Declining after reading the trigger warning changes nothing.
    let question = '';
    page.once('dialog', async (dialog) => { question = dialog.message(); await dialog.dismiss(); });
    await page.setInputFiles('#import-files', crafted);
    await page.locator('.banner.error').waitFor();
    assert.match(question, /1 trigger\(s\).*account_audit \(on account\)/s);
    await assertWorkKept(page);

    // Accepting: the database is the project's, its views and generated columns work, and
    // everything survives a reload.
    page.once('dialog', (dialog) => dialog.accept());
    await page.setInputFiles('#import-files', crafted);
    await page.waitForFunction(() => window.playground.query("SELECT count(*) FROM sqlite_master WHERE name = 'account'").rows[0][0] === 1);
    await typeCommand(page, "sql INSERT INTO account (id, name) VALUES (2, 'bo')");
    assert.deepEqual(await page.evaluate(() => window.playground.query('SELECT upper_name FROM names ORDER BY 1').rows), [['ANN'], ['BO']]);
    const saved = await waitSaved(page);
    await gotoReady(page, playground.server.url);
    assert.equal(await page.evaluate(() => window.playground.saveState().generation), saved);
    assert.deepEqual(await page.evaluate(() => window.playground.query('SELECT upper_name FROM names ORDER BY 1').rows), [['ANN'], ['BO']]);
    assert.deepEqual(await page.evaluate(() => window.playground.query('SELECT account_id FROM audit').rows), [[2]]);

    // A virtual table of a module the page does not have: refused with a message, nothing changed.
    const before = await page.evaluate(() => window.playground.query("SELECT name FROM sqlite_master ORDER BY name").rows);
    page.once('dialog', (dialog) => dialog.accept());
    await page.setInputFiles('#import-files', virtual);
    await page.waitForFunction(() => /Import: /.test(document.querySelector('.banner.error')?.innerText ?? ''));
    assert.match(await page.locator('.banner.error').innerText(), /no such module/);
    assert.deepEqual(await page.evaluate(() => window.playground.query("SELECT name FROM sqlite_master ORDER BY name").rows), before);
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
    await playground.close();
  }
});

test('scripted replacements are undoable, saved and redrawn, and the file list still opens files', async () => {
  const playground = await openPlayground();
  try {
    const { page } = playground;
    await gotoReady(page, playground.server.url);
    await makeWork(page);
    const undo = page.getByRole('button', { name: 'Undo last command' });

    // loadProject replaces the project; clicking a file opens it; Undo brings the work back.
    await page.evaluate(() => window.playground.loadProject({
      'alembic.ini': '[alembic]\nscript_location = migrations\nsqlalchemy.url = sqlite:///app.db\n',
      'models.py': '# loaded models\n', 'migrations/env.py': '# env\n', 'migrations/versions/': '',
    }));
    await page.getByRole('button', { name: 'models.py', exact: true }).click();
    await page.locator('#editor-title', { hasText: 'models.py' }).waitFor();
    assert.equal(await page.locator('.editor textarea').inputValue(), '# loaded models\n');
    await page.getByRole('button', { name: 'migrations/env.py', exact: true }).click();
    await page.locator('#editor-title', { hasText: 'env.py' }).waitFor();
    await undo.click();
    await assertWorkKept(page);

    // removeFile is undoable like Delete.
    await page.evaluate(() => window.playground.removeFile('notes.txt'));
    assert.equal(await page.evaluate(() => window.playground.readFile('notes.txt')), null);
    await undo.click();
    await assertWorkKept(page);

    // A query that writes: an undo point (the button comes alive: the page was redrawn) and a save.
    const generation = await waitSaved(page);
    await gotoReady(page, playground.server.url);
    assert.equal(await undo.isDisabled(), true);
    await page.evaluate(() => window.playground.query('SELECT x FROM keep'));
    assert.equal(await undo.isDisabled(), true, 'a read leaves no undo point');
    await page.evaluate(() => window.playground.query('INSERT INTO keep VALUES (7)'));
    await page.waitForFunction(() => !document.querySelector('button[title^="Restore the files"]').disabled);
    await waitSaved(page, generation);
    await gotoReady(page, playground.server.url);
    assert.deepEqual(await page.evaluate(() => window.playground.query('SELECT x FROM keep ORDER BY x').rows), [[7], [42]]);
    assert.deepEqual(playground.consoleErrors, []);
  } finally {
    await playground.close();
  }
});

test('after the first visit the page works offline, with the saved work', async () => {
  const playground = await openPlayground();
  try {
    const { page, context } = playground;
    await gotoReady(page, playground.server.url);
    await makeWork(page);
    // The service worker is registered once the page is idle (after the warm-up).
    await page.waitForFunction(() => window.playground.warmedUp !== undefined);
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    await context.setOffline(true);
    await gotoReady(page, playground.server.url);
    await page.locator('.banner.offline').waitFor();
    assert.match(await page.locator('.banner.offline').innerText(), /You are offline/);
    await assertWorkKept(page);
    await typeCommand(page, 'alembic revision -m "written offline"');
    assert.match(await terminalText(page), /Generating .*written_offline\.py/);
    await context.setOffline(false);
    await page.locator('.banner.offline').waitFor({ state: 'detached' });
  } finally {
    await playground.close();
  }
});

test('a new release is picked up on the next load, and offline the page is one whole release', async () => {
  const playground = await openPlayground();
  // A copy of the build whose files this test can change, as a deployment would.
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'release-'));
  fs.cpSync(path.join(path.dirname(fileURLToPath(import.meta.url)), '../../dist'), root, { recursive: true });
  const site = await serveDist(root);
  try {
    const { page, context } = playground;
    await gotoReady(page, site.url);
    await page.waitForFunction(() => window.playground.warmedUp !== undefined);
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    const first = await page.evaluate(() => caches.keys());
    assert.equal(first.length, 1);

    // Release B: another page and another service worker (another file list hash).
    const index = path.join(root, 'index.html');
    fs.writeFileSync(index, fs.readFileSync(index, 'utf8').replace('<title>', '<meta name="release" content="B" /><title>'));
    const worker = path.join(root, 'sw.js');
    fs.writeFileSync(worker, fs.readFileSync(worker, 'utf8').replace(/alembic-playground-[0-9a-f]{16}/, 'alembic-playground-release00000b'));
    await gotoReady(page, site.url);
    assert.equal(await page.locator('meta[name=release]').getAttribute('content'), 'B');
    // The new worker installs release B whole, then removes release A's cache.
    await page.evaluate(() => navigator.serviceWorker.getRegistration().then((registration) => registration.update()));
    // (waitForFunction does not wait for a promise: the caches are polled from here.)
    const installed = () => page.evaluate(async () => {
      const names = await caches.keys();
      if (names.length !== 1 || names[0] !== 'alembic-playground-release00000b') return false;
      const page = await (await caches.open(names[0])).match('./');
      return page !== undefined && (await page.text()).includes('content="B"');
    });
    while (!(await installed())) await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 100)));
    await context.setOffline(true);
    await gotoReady(page, site.url);
    assert.equal(await page.locator('meta[name=release]').getAttribute('content'), 'B');
    const output = await page.evaluate(() => window.playground.run('alembic history'));
    assert.equal(output.exitCode, 0);
    await context.setOffline(false);
  } finally {
    await site.close();
    fs.rmSync(root, { recursive: true, force: true });
    await playground.close();
  }
});
