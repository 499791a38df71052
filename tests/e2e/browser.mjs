// Launches Debian's Chromium through playwright-core (no browser download), as root-safe headless.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveDist } from './server.mjs';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const artifacts = path.join(repoRoot, 'tests/e2e/artifacts');

export async function openPlayground() {
  const dist = path.join(repoRoot, 'dist');
  if (!fs.existsSync(path.join(dist, 'index.html'))) {
    throw new Error('dist/ is missing: run scripts/build first (scripts/test does)');
  }
  fs.mkdirSync(artifacts, { recursive: true });
  const server = await serveDist(dist);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const consoleErrors = [];
  page.on('console', (message) => { if (message.type() === 'error') consoleErrors.push(message.text()); });
  page.on('pageerror', (error) => consoleErrors.push(String(error)));
  return {
    page, context, browser, server, consoleErrors,
    async close() { await browser.close(); await server.close(); },
  };
}

/// Opens `url` and waits until the page's engine is ready (`window.playground.ready`).
export async function gotoReady(page, url) {
  await page.goto(url);
  await page.waitForFunction(() => window.playground && window.playground.ready === true);
}

/// Types a line into the terminal and waits until the transcript has grown.
export async function typeCommand(page, line) {
  const before = await page.locator('.terminal .line.command').count();
  await page.fill('#terminal-input', line);
  await page.press('#terminal-input', 'Enter');
  await page.waitForFunction((count) => document.querySelectorAll('.terminal .line.command').length > count, before);
}

export async function terminalText(page) {
  return page.locator('.terminal-scroll').innerText();
}
