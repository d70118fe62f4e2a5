// Drives the IST web page in Debian's headless Chromium through playwright-core (no bundled browser).
// Usage: node page.test.mjs <baseUrl> <apiKey|-> <content.png> <style.png> <bad-file> <screenshotDir>
// An apiKey of "-" means the gateway allows anonymous access: the page must work without any key.
// Prints PAGE-TEST OK and exits 0 when every check passed; prints PAGE-TEST FAILED and exits 1 otherwise.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const [baseUrl, apiKey, contentPng, stylePng, badFile, shotDir] = process.argv.slice(2);
const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ist-chromium-'));
fs.mkdirSync(shotDir, { recursive: true });

function check(condition, message) {
  if (!condition) {
    throw new Error('check failed: ' + message);
  }
  console.log('ok - ' + message);
}

function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath,
  headless: true,
  viewport: { width: 1200, height: 900 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let exitCode = 1;
try {
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') console.log('[page error] ' + m.text()); });
  page.on('pageerror', (e) => console.log('[page exception] ' + e.message));

  await page.goto(baseUrl, { waitUntil: 'domcontentloaded' });
  if (apiKey === '-') {
    await page.waitForFunction(() => window.__ist.recentLoaded, null, { timeout: 10000 });
    check(await page.isHidden('#notice'), 'with anonymous access the page works without asking for a key');
  } else {
    await page.waitForSelector('#notice:not([hidden])', { timeout: 10000 });
    check((await page.textContent('#notice')).includes('API key'), 'without a key the page asks for one');
    await page.fill('#api-key', apiKey);
    await page.click('#save-key');
    check(await page.evaluate(() => localStorage.getItem('ist.apiKey')) === apiKey,
      'the key is kept in localStorage');
  }

  await page.setInputFiles('#content-input', contentPng);
  await page.setInputFiles('#style-input', [stylePng]);
  await page.click('#preset-quick');
  check(await page.inputValue('#size') === '256' && await page.inputValue('#iterations') === '100',
    'the Quick preset sets 256 px and 100 iterations');
  await page.click('#submit');

  await page.waitForFunction(() => {
    const v = Number(document.querySelector('#progress').getAttribute('aria-valuenow'));
    return v > 0 && v < 100;
  }, null, { timeout: 30000 });
  console.log('progress bar moving: ' + await page.textContent('#progress-text'));
  await page.waitForSelector('#preview[src^="blob:"]', { timeout: 30000 });
  check(true, 'a preview image appeared while the job ran');
  await page.waitForSelector('#result[src^="blob:"]', { timeout: 30000 });
  await page.waitForFunction(() => document.querySelector('#result').naturalWidth > 0, null, { timeout: 10000 });
  const seen = await page.evaluate(() => window.__ist.progressSeen);
  const intermediate = new Set(seen.filter((v) => v > 0 && v < 100));
  check(intermediate.size >= 2, `the progress bar showed several steps (${[...intermediate].join(', ')})`);
  check(seen[seen.length - 1] === 100, 'the progress bar ends full');
  check(await page.evaluate(() => window.__ist.lossPoints) >= 2, 'the loss chart has points');
  check((await page.textContent('#job-status')).includes('succeeded'), 'the status says succeeded');
  check(await page.isVisible('#download'), 'the download link is shown');
  await page.waitForSelector('#recent li[data-job-id]', { timeout: 10000 });
  check(await page.locator('#recent li[data-job-id] .status.SUCCEEDED').count() >= 1,
    'the recent jobs list shows the finished job');
  const shot = path.join(shotDir, 'page-succeeded.png');
  await page.screenshot({ path: shot, fullPage: true });
  console.log('SCREENSHOT ' + shot);

  const delays = await page.evaluate(() => window.__ist.delays);
  check(delays.length >= 5, `the page received ${delays.length} events`);
  const live = await page.evaluate(() => window.__ist.liveDelays);
  console.log(`EVENT_TO_BROWSER_MS live n=${live.length} p50=${quantile(live, 0.5)} p90=${quantile(live, 0.9)} `
    + `max=${Math.max(...live)} min=${Math.min(...live)} (all events incl. replayed QUEUED: p50=${quantile(delays, 0.5)} `
    + `max=${Math.max(...delays)})`);

  // a bad file gets a readable error, not a stack trace
  await page.setInputFiles('#content-input', badFile);
  await page.click('#submit');
  await page.waitForSelector('#error:not([hidden])', { timeout: 10000 });
  const error = await page.textContent('#error');
  console.log('error shown: ' + error);
  check(error.includes('Unsupported image type') && error.includes('PNG') && error.includes('content'),
    'a text file as content shows a readable error naming the field');
  check(!/Exception|at dev\.ist|\{"/.test(error), 'the error has no stack trace or raw JSON');
  const badShot = path.join(shotDir, 'page-bad-file.png');
  await page.screenshot({ path: badShot, fullPage: true });
  console.log('SCREENSHOT ' + badShot);

  // Fast mode: the model picker offers the house styles of GET /v1/models
  await page.check('#mode-fast');
  await page.waitForSelector('#model option[value="page-house"]', { state: 'attached', timeout: 10000 });
  check(!(await page.isDisabled('#model')), 'Fast mode enables the model picker, which lists the registered models');
  await page.check('#mode-optimize');
  check(await page.isDisabled('#model'), 'Optimize mode disables the model picker');

  console.log('PAGE-TEST OK');
  exitCode = 0;
} catch (err) {
  console.log('PAGE-TEST FAILED: ' + (err && err.stack ? err.stack : err));
} finally {
  await context.close();
  fs.rmSync(userDataDir, { recursive: true, force: true });
}
process.exit(exitCode);
