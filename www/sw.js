// The playground's service worker: after the first visit the page works offline.
//
// Each release's files are cached together under one name (written into this file by
// scripts/csp.py after each build: the file list and its hash). Pages are fetched from the
// network first, so a new release is picked up on the next load; when the network is gone the
// cached page of the installed release is served, and its files come from the same cache, so
// a page is never made of two releases. Older releases' caches are deleted once the new one
// is installed.
const RELEASE = 'alembic-playground-__RELEASE__';
const FILES = __FILES__;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(RELEASE).then((cache) => cache.addAll(FILES)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names
      .filter((name) => name.startsWith('alembic-playground-') && name !== RELEASE)
      .map((name) => caches.delete(name))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  if (request.mode === 'navigate') {
    event.respondWith(fetch(request).catch(async () => {
      const cache = await caches.open(RELEASE);
      const page = new URL(request.url).pathname.endsWith('docs.html') ? './docs.html' : './';
      return (await cache.match(page)) ?? Response.error();
    }));
    return;
  }
  event.respondWith(caches.open(RELEASE)
    .then((cache) => cache.match(request, { ignoreSearch: true }))
    .then((hit) => hit ?? fetch(request)));
});
