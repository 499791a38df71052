// PGlite (PostgreSQL compiled to WebAssembly, from npm's @electric-sql/pglite) for the
// PostgreSQL page: its files sit in the page's `pglite/` folder (scripts/build copies them).
// `startPglite` fetches the three big ones, reporting the bytes received, compiles them and
// starts the database; the engine then speaks the wire protocol to it synchronously.

async function fetchAll(names, base, onProgress) {
  const responses = await Promise.all(names.map(async (name) => {
    const response = await fetch(new URL(name, base));
    if (!response.ok) throw new Error(`${name}: HTTP ${response.status} ${response.statusText}`);
    return response;
  }));
  // Content-Length counts the bytes on the wire; when the server compresses them, the
  // received (decompressed) bytes pass it, and the total follows what was received.
  let total = responses.reduce((sum, response) => sum + Number(response.headers.get('content-length') || 0), 0);
  let received = 0;
  return Promise.all(responses.map(async (response) => {
    const reader = response.body.getReader();
    const chunks = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      received += value.length;
      total = Math.max(total, received);
      onProgress(received, total);
    }
    return new Blob(chunks);
  }));
}

export async function startPglite(onProgress) {
  const base = new URL('pglite/', document.baseURI);
  const [pglite, initdb, data] = await fetchAll(['pglite.wasm', 'initdb.wasm', 'pglite.data'], base, onProgress);
  const [pgliteWasmModule, initdbWasmModule] = await Promise.all([
    pglite.arrayBuffer().then((bytes) => WebAssembly.compile(bytes)),
    initdb.arrayBuffer().then((bytes) => WebAssembly.compile(bytes)),
  ]);
  const { PGlite } = await import(new URL('index.js', base).href);
  return PGlite.create({ pgliteWasmModule, initdbWasmModule, fsBundle: data });
}

export function execProtocolRawSync(database, message) {
  return database.execProtocolRawSync(message);
}
