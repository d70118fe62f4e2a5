// The page's form bounds and defaults are the gateway's (GET /v1/options), in Debian's headless Chromium
// (playwright-core), against a gateway run with changed ist.limits.* (OptionsApiTest).
// Usage: node options.test.mjs <baseUrl> <apiKey> <maxIterations> <maxSize> <screenshotDir>
// Prints OPTIONS-TEST OK and exits 0 when every check passed; OPTIONS-TEST FAILED and exits 1 otherwise.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const [baseUrl, apiKey, maxIterations, maxSize, shotDir] = process.argv.slice(2);
const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ist-chromium-'));
fs.mkdirSync(shotDir, { recursive: true });

function check(condition, message) {
  if (!condition) {
    throw new Error('check failed: ' + message);
  }
  console.log('ok - ' + message);
}

const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath,
  headless: true,
  viewport: { width: 1200, height: 1000 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let page;
let exitCode = 1;
try {
  const response = await fetch(new URL('/v1/options', baseUrl), { headers: { 'X-Api-Key': apiKey } });
  const options = await response.json();
  check(response.ok && String(options.numbers.iterations.maximum) === maxIterations,
    `the gateway says iterations <= ${options.numbers.iterations.maximum} (configured ${maxIterations})`);

  page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') console.log('[page error] ' + m.text()); });
  page.on('pageerror', (e) => console.log('[page exception] ' + e.message));
  await page.goto(baseUrl, { waitUntil: 'domcontentloaded' });
  await page.fill('#api-key', apiKey);
  await page.click('#save-key');
  // the gateway's answer has reached the form (its bounds are on the inputs); the checks below say what they are
  await page.waitForFunction(([iterations, size]) => document.querySelector('#iterations').getAttribute('max')
    === iterations && document.querySelector('#size').getAttribute('max') === size, [maxIterations, maxSize],
  { timeout: 15000 }).catch(() => {});

  check(await page.getAttribute('#iterations', 'max') === maxIterations,
    `the iterations input's max is the configured limit (${maxIterations})`);
  check(await page.getAttribute('#iterations', 'min') === String(options.numbers.iterations.minimum),
    `the iterations input's min is the gateway's (${options.numbers.iterations.minimum})`);
  check(await page.getAttribute('#size', 'max') === maxSize, `the size input's max is the configured limit (${maxSize})`);
  check(await page.inputValue('#iterations') === String(options.numbers.iterations.default),
    `the iterations default is the gateway's (${options.numbers.iterations.default})`);
  check(await page.inputValue('#size') === String(options.numbers.size.default),
    `the size default is the gateway's (${options.numbers.size.default})`);

  // a preset is the page's choice, but never beyond the gateway's bounds
  await page.click('#preset-best');
  check(await page.inputValue('#size') === maxSize, `the Best preset (768 px) is cut to the size limit (${maxSize})`);
  await page.screenshot({ path: path.join(shotDir, 'options.png'), fullPage: true });
  console.log('OPTIONS-TEST OK');
  exitCode = 0;
} catch (err) {
  console.log('OPTIONS-TEST FAILED: ' + (err && err.stack ? err.stack : err));
  if (page) {
    await page.screenshot({ path: path.join(shotDir, 'options-failed.png'), fullPage: true }).catch(() => {});
  }
} finally {
  const closed = await Promise.race([context.close().then(() => true, () => false),
    new Promise((resolve) => setTimeout(() => resolve(false), 15000))]);
  if (!closed) console.log('the browser did not close within 15 s');
  fs.rmSync(userDataDir, { recursive: true, force: true });
}
process.exit(exitCode);
