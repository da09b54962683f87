// Shared by the browser tests: Debian's chromium, headless, driven by puppeteer-core.
// puppeteer-core never downloads a browser; CHROMIUM overrides the binary.
import puppeteer from 'puppeteer-core';
import fs from 'node:fs';
import path from 'node:path';

export async function launch() {
  const args = ['--headless=new', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'];
  // Chromium refuses to start as root without this; CI runs the tests as root.
  if (process.getuid && process.getuid() === 0) args.push('--no-sandbox');
  return puppeteer.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args,
  });
}

// Screenshots of each step go to ARTIFACTS_DIR (the test's folder of artifacts).
export async function screenshot(page, name) {
  const dir = process.env.ARTIFACTS_DIR;
  if (!dir) return;
  fs.mkdirSync(dir, {recursive: true});
  await page.screenshot({path: path.join(dir, `${name}.png`), fullPage: true});
}
