#!/usr/bin/env node
// Opens pages of the built site (docs/dist) in headless Chromium at phone width (375 × 812 CSS px) and
// checks that none scrolls sideways (wide tables and formulas scroll inside their own box instead), then
// writes a full-page screenshot of each to docs/screenshots/ for a person to look at.
// Needs Chromium: Debian's /usr/bin/chromium, or CHROME_PATH. Usage: node scripts/screenshots.mjs
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import puppeteer from 'puppeteer-core';

const docsDir = dirname(dirname(fileURLToPath(import.meta.url)));
const site = join(docsDir, 'dist');
const out = join(docsDir, 'screenshots');
const pages = {
  'home-375': 'index.html',
  'method-375': 'documents/The_method.html',
  'results-375': 'documents/Results.html',
  'own-model-375': 'documents/Use_it_in_your_own_model.html',
};
const executablePath = process.env.CHROME_PATH ?? '/usr/bin/chromium';
if (!existsSync(executablePath)) {
  console.error(
    `screenshots: no Chromium at ${executablePath} (apt-get install -y chromium, or set CHROME_PATH)`,
  );
  process.exit(2);
}
mkdirSync(out, { recursive: true });
const browser = await puppeteer.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
let failures = 0;
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 375, height: 812, deviceScaleFactor: 1 });
  for (const [name, path] of Object.entries(pages)) {
    await page.goto(pathToFileURL(join(site, path)).href, { waitUntil: 'load' });
    await page.evaluate(() => document.fonts.ready);
    const { scrollWidth, innerWidth, images, brokenImages, katex } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
      images: document.images.length,
      brokenImages: [...document.images].filter((i) => !i.complete || i.naturalWidth === 0).length,
      katex: document.querySelectorAll('.katex').length,
    }));
    const fits = scrollWidth <= innerWidth;
    if (!fits || brokenImages > 0) failures++;
    console.log(
      `${path}: page width ${scrollWidth} px at a ${innerWidth} px viewport (${fits ? 'fits' : 'scrolls sideways'}), ` +
        `${images} images (${brokenImages} not loaded), ${katex} formulas`,
    );
    await page.screenshot({ path: join(out, `${name}.png`), fullPage: true });
  }
} finally {
  await browser.close();
}
process.exit(failures > 0 ? 1 : 0);
