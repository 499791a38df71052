// The playground's saved work in IndexedDB, written by one tab at a time.
//
// Records in the object store `saves`:
//   "session"          {generation, tab, bytes}: the newest saved work (bytes: share::encode_save)
//   "pending/<tab>"    {base, tab, bytes, at}: what a tab wrote as it was closing, where there
//                      was no time to check the generation first; applied on the next load
//                      when nothing was saved after its base, else kept aside
//   "aside/<time>"     {reason, bytes, at}: a save that could not be read or would have
//                      replaced newer work; never overwritten, offered as a download
// A closing tab also writes its pending record to localStorage ("alembic-playground/pending/
// <tab>": a JSON header line, then the bytes one character each), because that write is
// synchronous: Chromium may drop an IndexedDB write made while the page goes away, or let
// the next page's first read run before it. The next load applies it as a pending record.
// Every normal save is a compare-and-set: it is written only while the stored generation is
// the one this tab last loaded or wrote, so a tab never silently replaces another tab's newer
// work. A BroadcastChannel tells the other tabs that a save happened.

const DATABASE = 'alembic-playground';
const STORE = 'saves';
const SESSION = 'session';
let opened = null;
// The open database once `open()` has answered: a closing tab writes through it within the
// `pagehide` handler itself (a write that waits for a promise may start too late to land).
let connection = null;
let channel = null;

function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function finished(transaction) {
  return new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve();
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error ?? new Error('the save was cancelled'));
  });
}

function open() {
  if (!opened) {
    opened = new Promise((resolve, reject) => {
      if (typeof indexedDB === 'undefined' || indexedDB === null) {
        reject(new Error('this browser offers no IndexedDB (private mode or storage turned off?)'));
        return;
      }
      const request = indexedDB.open(DATABASE, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE);
      request.onsuccess = () => { connection = request.result; resolve(request.result); };
      request.onerror = () => reject(request.error ?? new Error('IndexedDB refused to open'));
      request.onblocked = () => reject(new Error('an older playground tab keeps the storage busy; close it and reload'));
    });
    opened.catch(() => { opened = null; });
  }
  return opened;
}

function message(error) {
  if (error && typeof error === 'object' && 'message' in error) {
    return error.name && error.name !== 'Error' ? `${error.name}: ${error.message}` : String(error.message);
  }
  return String(error);
}

function fail(error) {
  throw new Error(message(error));
}

// The newest saved work, after applying a pending record of a tab that was closed:
// {generation, bytes, aside: [reasons of records kept aside now]} or null.
export async function loadSave() {
  try {
    const database = await open();
    const transaction = database.transaction(STORE, 'readwrite');
    const store = transaction.objectStore(STORE);
    const [session, keys] = await Promise.all([done(store.get(SESSION)), done(store.getAllKeys())]);
    let current = session ?? null;
    const aside = [];
    const pending = [];
    for (const key of keys) {
      if (typeof key === 'string' && key.startsWith('pending/')) pending.push([key, await done(store.get(key))]);
    }
    const closing = closingRecords();
    for (const [key, record] of closing) {
      if (!record) continue;
      // The same tab's IndexedDB copy of it, if that write landed too, is the same save.
      const twin = pending.findIndex(([, other]) => other?.tab === record.tab);
      if (twin < 0) pending.push([key, record]);
      else if ((pending[twin][1]?.at ?? 0) <= record.at) pending[twin] = [pending[twin][0], record];
    }
    pending.sort((a, b) => (a[1]?.at ?? 0) - (b[1]?.at ?? 0));
    for (const [key, record] of pending) {
      const generation = current?.generation ?? 0;
      // Applied when nothing was saved after it, or when the last save was the same tab's
      // (its save was still under way as it closed).
      const follows = record && (record.base === generation || record.tab === current?.tab);
      if (follows && record.bytes instanceof Uint8Array) {
        current = { generation: generation + 1, tab: record.tab, bytes: record.bytes };
        store.put(current, SESSION);
      } else if (record && record.bytes instanceof Uint8Array) {
        const reason = 'a tab that was closing wrote this after another tab had saved newer work';
        store.put({ reason, bytes: record.bytes, at: record.at ?? Date.now() }, `aside/${record.at ?? Date.now()}-${record.tab ?? key.slice(8)}`);
        aside.push(reason);
      }
      store.delete(key);
    }
    await finished(transaction);
    for (const [key] of closing) forgetClosing(key);
    if (!current) return null;
    return { generation: current.generation, bytes: current.bytes, aside };
  } catch (error) {
    fail(error);
  }
}

// Writes `bytes` as the next generation after `expected`; answers the new generation, or -1
// when another tab saved since (nothing is written then).
export async function writeSave(bytes, expected, tab) {
  bytes = bytes.slice(); // a view into WebAssembly memory, which may change before the write
  try {
    const database = await open();
    const transaction = database.transaction(STORE, 'readwrite');
    const store = transaction.objectStore(STORE);
    const current = await done(store.get(SESSION));
    const generation = current?.generation ?? 0;
    if (generation !== expected) {
      transaction.abort();
      return -1;
    }
    store.put({ generation: generation + 1, tab, bytes }, SESSION);
    const written = finished(transaction);
    if (transaction.commit) transaction.commit();
    await written;
    announce(generation + 1, tab);
    return generation + 1;
  } catch (error) {
    fail(error);
  }
}

// What a closing tab writes at once (no read first: the page may be gone before a read
// answers); the next load applies it if nothing was saved since `base`.
export function writePending(bytes, base, tab) {
  bytes = bytes.slice();
  try {
    let text = `${JSON.stringify({ base, tab, at: Date.now() })}\n`;
    for (let at = 0; at < bytes.length; at += 8192) text += String.fromCharCode(...bytes.subarray(at, at + 8192));
    localStorage.setItem(`${LOCAL_PENDING}${tab}`, text);
  } catch (_) {
    // Over localStorage's quota (or no localStorage): the IndexedDB write below may still land.
  }
  const write = (database) => {
    const transaction = database.transaction(STORE, 'readwrite');
    transaction.objectStore(STORE).put({ base, tab, bytes, at: Date.now() }, `pending/${tab}`);
    if (transaction.commit) transaction.commit();
  };
  try {
    if (connection) {
      write(connection);
      return;
    }
  } catch (_) {
    // The connection was closed under us: open a new one below.
  }
  open().then(write).catch(() => {});
}

const LOCAL_PENDING = `${DATABASE}/pending/`;

// The pending records closing tabs left in localStorage: [[localStorage key, record]].
function closingRecords() {
  const records = [];
  try {
    for (let index = 0; index < localStorage.length; index += 1) {
      const key = localStorage.key(index);
      if (!key?.startsWith(LOCAL_PENDING)) continue;
      const text = localStorage.getItem(key) ?? '';
      const newline = text.indexOf('\n');
      let header = null;
      try {
        header = JSON.parse(text.slice(0, newline));
      } catch (_) {
        // A damaged record: forgotten below, as an unreadable IndexedDB one is.
      }
      if (newline > 0 && header && typeof header.tab === 'string') {
        const bytes = new Uint8Array(text.length - newline - 1);
        for (let at = 0; at < bytes.length; at += 1) bytes[at] = text.charCodeAt(newline + 1 + at);
        records.push([key, { base: header.base, tab: header.tab, at: Number(header.at) || 0, bytes }]);
      } else {
        records.push([key, null]);
      }
    }
  } catch (_) {
    // No localStorage here: only IndexedDB's pending records count.
  }
  return records;
}

function forgetClosing(key) {
  try {
    localStorage.removeItem(key);
  } catch (_) {
    // Applied already; if it stays, the next load applies it again as the same tab's save.
  }
}

// Keeps bytes that could not be used under a new "aside/" key.
export async function keepAside(bytes, reason) {
  bytes = bytes.slice();
  try {
    const database = await open();
    const transaction = database.transaction(STORE, 'readwrite');
    const at = Date.now();
    transaction.objectStore(STORE).put({ reason, bytes, at }, `aside/${at}`);
    await finished(transaction);
  } catch (error) {
    fail(error);
  }
}

// Every record kept aside, newest first: [{key, reason, bytes}].
export async function listAside() {
  try {
    const database = await open();
    const store = database.transaction(STORE, 'readonly').objectStore(STORE);
    const keys = (await done(store.getAllKeys())).filter((key) => typeof key === 'string' && key.startsWith('aside/'));
    const records = [];
    for (const key of keys.reverse()) {
      const record = await done(store.get(key));
      records.push({ key, reason: String(record?.reason ?? ''), bytes: record?.bytes instanceof Uint8Array ? record.bytes : new Uint8Array() });
    }
    return records;
  } catch (error) {
    fail(error);
  }
}

// Asks the browser not to evict the playground's storage under pressure (it may say no).
export function persist() {
  try {
    navigator.storage?.persist?.().catch(() => {});
  } catch (_) {
    // Nothing to do: storage then stays "best effort".
  }
}

function announce(generation, tab) {
  try {
    channel?.postMessage({ generation, tab });
  } catch (_) {
    // Another tab then learns of the save when its own next save finds a newer generation.
  }
}

// Calls `callback(generation, tab)` when another tab saves.
export function onOtherTabSave(callback) {
  if (typeof BroadcastChannel === 'undefined') return;
  channel = new BroadcastChannel(DATABASE);
  channel.onmessage = (event) => {
    const data = event.data ?? {};
    if (typeof data.generation === 'number' && typeof data.tab === 'string') callback(data.generation, data.tab);
  };
}

// Offline use after the first visit: the service worker (sw.js) caches this release.
export function cacheForOffline() {
  try {
    if ('serviceWorker' in navigator && location.protocol.startsWith('http')) {
      navigator.serviceWorker.register('./sw.js').catch(() => {});
    }
  } catch (_) {
    // No offline copy then; everything else works.
  }
}
