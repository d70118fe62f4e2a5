// The page's capacity quote in Debian's headless Chromium (playwright-core), against a gateway whose fleet the Java
// side advertised (a 1 GiB and a 1.5 GiB CPU class; PageQuoteBrowserTest). Every figure the page shows is compared
// with the gateway's own answer to the same dry run, asked here without the page.
// Usage: node quote.test.mjs <baseUrl> <apiKey> <content.png (4:3)> <style.png> <screenshotDir>
// Prints QUOTE-TEST OK and exits 0 when every check passed; QUOTE-TEST FAILED and exits 1 otherwise.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const [baseUrl, apiKey, contentPng, stylePng, shotDir] = process.argv.slice(2);
const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ist-chromium-'));
fs.mkdirSync(shotDir, { recursive: true });
const GIB = 1024 ** 3;

function check(condition, message) {
  if (!condition) {
    throw new Error('check failed: ' + message);
  }
  console.log('ok - ' + message);
}

async function gateway(pathname, init = {}) {
  const response = await fetch(new URL(pathname, baseUrl), {
    ...init, headers: { 'X-Api-Key': apiKey, ...(init.headers || {}) },
  });
  const body = await response.json();
  if (!response.ok) {
    throw new Error(`${pathname}: ${response.status} ${JSON.stringify(body)}`);
  }
  return body;
}

/** The gateway's quote for these options, asked directly (the same bytes are the same stored image). */
async function dryRun(options) {
  const stored = await gateway('/v1/images', {
    method: 'POST', body: fs.readFileSync(contentPng), headers: { 'Content-Type': 'application/octet-stream' },
  });
  return gateway('/v1/jobs?dryRun=true', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ content: { sha256: stored.id }, styles: [{ image: { sha256: stored.id } }], options }),
  });
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
  page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') console.log('[page error] ' + m.text()); });
  page.on('pageerror', (e) => console.log('[page exception] ' + e.message));
  const calls = { uploads: 0, dryRuns: 0, multipartDryRuns: 0 };
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (r.method() === 'POST' && url.pathname === '/v1/images') {
      calls.uploads++;
    } else if (r.method() === 'POST' && url.pathname === '/v1/jobs' && url.search === '?dryRun=true') {
      calls.dryRuns++;
      if (!(r.headers()['content-type'] || '').startsWith('application/json')) {
        calls.multipartDryRuns++;
      }
    }
  });

  await page.goto(baseUrl, { waitUntil: 'domcontentloaded' });
  await page.fill('#api-key', apiKey);
  await page.click('#save-key');

  // (a) the photo and a size are enough for a quote; its figures are the gateway's
  await page.fill('#size', '1024');
  await page.fill('#iterations', '10');
  await page.selectOption('#optimizer', 'LBFGS');
  await page.setInputFiles('#content-input', contentPng);
  // a quote with an estimate is on screen, and answers the current choices (not faded as pending)
  await page.waitForFunction(() => document.querySelector('#quote-time')
    && !document.querySelector('#quote').classList.contains('pending'), null, { timeout: 15000 });
  const fits = await dryRun({ size: 1024, iterations: 10, optimizer: 'LBFGS' });
  check(fits.fleetKnown === true && fits.fits === true && fits.workerClasses.length === 2,
    'the gateway knows two worker classes and fits 1024 px on one of them');
  const shownSeconds = Number(await page.getAttribute('#quote-time', 'data-seconds'));
  const shownPeak = Number(await page.getAttribute('#quote-peak', 'data-peak-bytes'));
  check(shownSeconds === fits.estimate.seconds && shownPeak === fits.estimate.peakBytes,
    `the page shows the dry run's seconds and peak (${fits.estimate.seconds} s, ${fits.estimate.peakBytes} B)`);
  const peakText = await page.textContent('#quote-peak');
  check(peakText === `peak ${(fits.estimate.peakBytes / GIB).toFixed(1)} GiB`, `the peak reads "${peakText}"`);
  const timeText = await page.textContent('#quote-time');
  const minutes = fits.estimate.seconds / 60;
  check(fits.estimate.seconds < 90 ? timeText === `about ${Math.max(1, Math.round(fits.estimate.seconds))} s`
    : minutes < 90 ? timeText === `about ${Math.round(minutes)} min` : timeText.endsWith(' h'),
  `the time reads "${timeText}" for ${fits.estimate.seconds} s`);
  const top = fits.estimate.levels[fits.estimate.levels.length - 1];
  const plan = await page.textContent('#quote-plan');
  const grid = /^tiled (\d+)×(\d+), (\d+) px tiles/.exec(plan);
  check(top.tiles > 1 && grid && Number(grid[1]) * Number(grid[2]) === top.tiles && Number(grid[3]) === top.tileCore
    && plan.includes(`at ${top.width}×${top.height}`),
  `the tile plan reads "${plan}" (${top.tiles} tiles of ${top.tileCore} px at ${top.width}×${top.height})`);
  const classes = await page.$$eval('#quote-classes li', (lis) => lis.map((li) => [li.className, li.textContent]));
  check(classes.length === 2 && classes[0][0] === 'too-small'
    && classes[0][1].includes(`fits only up to ${fits.workerClasses[0].largestFittingSize} px`)
    && classes[0][1].includes('1.0 GiB budget') && classes[1][0] === 'fits' && classes[1][1].includes('1.5 GiB budget'),
  `the worker classes that fit are named: ${classes.map((c) => c[1]).join(' | ')}`);
  check((await page.textContent('#print-size')).startsWith(`${top.width}×${top.height} px: `),
    `the print size is the output's: ${await page.textContent('#print-size')}`);
  check(calls.uploads === 1 && calls.multipartDryRuns === 0,
    'the photo was uploaded once and quoted by its id (JSON dry run)');

  await page.setInputFiles('#style-input', [stylePng]);
  await page.waitForFunction(() => document.querySelectorAll('#style-thumbs img').length === 1);
  await page.screenshot({ path: path.join(shotDir, 'quote-fits.png'), fullPage: true });
  console.log('SCREENSHOT ' + path.join(shotDir, 'quote-fits.png'));

  // (b) a size no worker fits: the largest that does, and one click to it
  const dryRunsBefore = calls.dryRuns;
  await page.fill('#size', '2048');
  await page.waitForFunction(() => document.querySelector('#quote-too-large')
    && !document.querySelector('#quote').classList.contains('pending'), null, { timeout: 15000 });
  check(calls.dryRuns > dryRunsBefore, 'the new size was quoted again');
  const none = await dryRun({ size: 2048, iterations: 10, optimizer: 'LBFGS' });
  check(none.fits === false && none.largestFittingSize > 1024 && none.largestFittingSize < 2048,
    `the gateway fits no class at 2048 px; the largest size that fits is ${none.largestFittingSize}`);
  const tooLarge = await page.textContent('#quote-too-large');
  check(tooLarge.includes(`the largest size that fits is ${none.largestFittingSize} px`),
    `the page says so: "${tooLarge}"`);
  await page.screenshot({ path: path.join(shotDir, 'quote-too-large.png'), fullPage: true });
  console.log('SCREENSHOT ' + path.join(shotDir, 'quote-too-large.png'));
  const dryRunsBeforeFix = calls.dryRuns;
  await page.click(`#quote button.use-size[data-size="${none.largestFittingSize}"]`);
  check(await page.inputValue('#size') === String(none.largestFittingSize), `"Use ${none.largestFittingSize} px" sets the size`);
  await page.waitForFunction(() => document.querySelector('#quote-time')
    && !document.querySelector('#quote').classList.contains('pending'), null, { timeout: 15000 });
  check(calls.dryRuns > dryRunsBeforeFix, 'the fitting size was quoted');
  const atLargest = await dryRun({ size: none.largestFittingSize, iterations: 10, optimizer: 'LBFGS' });
  check(atLargest.fits === true && Number(await page.getAttribute('#quote-peak', 'data-peak-bytes'))
    === atLargest.estimate.peakBytes, 'the new quote fits, with the gateway\'s peak for that size');
  check(calls.uploads === 2 && calls.multipartDryRuns === 0,
    `changing the size uploads nothing again (${calls.uploads} uploads: photo and style, ${calls.dryRuns} dry runs)`);

  // a submit too large for the fleet is answered 422 too-large-for-fleet: the same offer, in the error
  await page.fill('#size', '2048');
  const refused = page.waitForResponse((r) => r.url().endsWith('/v1/jobs') && r.request().method() === 'POST');
  await page.click('#submit');
  const refusal = await refused;
  check(refusal.status() === 422 && (await refusal.json()).type === 'urn:ist:problem:too-large-for-fleet',
    'the submit is refused as too-large-for-fleet');
  await page.waitForSelector('#error:not([hidden]) button.use-size', { timeout: 10000 });
  const error = await page.textContent('#error');
  check(error.includes('Too large for every worker') && error.includes(`Use ${none.largestFittingSize} px`)
    && !/Exception|\{"/.test(error), `the refusal reads: "${error}"`);
  await page.click('#error button.use-size');
  check(await page.inputValue('#size') === String(none.largestFittingSize) && await page.isHidden('#error'),
    'its button sets the largest fitting size and clears the error');

  // (c) the accepted job shows its 202's estimate beside its queue position (the stand-in leaves seed 4242 queued)
  await page.fill('#seed', '4242');
  const accepted = page.waitForResponse((r) => r.url().endsWith('/v1/jobs') && r.request().method() === 'POST');
  await page.click('#submit');
  const response = await accepted;
  const job = await response.json();
  check(response.status() === 202 && job.estimate && job.capacity.fleetKnown === true,
    `the submit is accepted with an estimate (${job.estimate && job.estimate.seconds} s)`);
  await page.waitForSelector('#job-estimate:not([hidden]) #job-time', { timeout: 10000 });
  check(Number(await page.getAttribute('#job-time', 'data-seconds')) === job.estimate.seconds
    && Number(await page.getAttribute('#job-peak', 'data-peak-bytes')) === job.estimate.peakBytes,
  `the job shows the 202's estimate: ${await page.textContent('#job-estimate')}`);
  await page.waitForFunction(() => document.querySelector('#queue-info').textContent.startsWith('Position'), null,
    { timeout: 15000 });
  // the gateway's queue ETA (its own quote plus the quotes ahead, scaled by the fleet's record) is what the line says
  const status = await gateway(`/v1/jobs/${job.id}`);
  const etaWords = await page.evaluate(async (s) => (await import('/js/format.js')).duration(s),
    status.queue.etaSeconds);
  await page.waitForFunction((w) => document.querySelector('#queue-info').textContent.includes(`about ${w} until`),
    etaWords, { timeout: 10000 }).catch(() => {});
  const queueLine = await page.textContent('#queue-info');
  check(status.queue.etaSeconds > 0 && queueLine.includes(`about ${etaWords} until it is done`),
    `the queue line says the gateway's ETA (${status.queue.etaSeconds} s): "${queueLine}"`);
  await page.screenshot({ path: path.join(shotDir, 'quote-job.png'), fullPage: true });
  console.log('SCREENSHOT ' + path.join(shotDir, 'quote-job.png'));
  await page.click('#cancel');
  await page.waitForFunction(() => document.querySelector('#job-status').textContent.includes('cancelled'), null,
    { timeout: 15000 });
  check(await page.isVisible('#job-estimate'), 'the estimate stays beside the cancelled job');

  console.log('QUOTE-TEST OK');
  exitCode = 0;
} catch (err) {
  console.log('QUOTE-TEST FAILED: ' + (err && err.stack ? err.stack : err));
  if (page) {
    await page.screenshot({ path: path.join(shotDir, 'quote-failed.png'), fullPage: true }).catch(() => {});
  }
} finally {
  // a wedged Chromium must not hold the test: closing gets 15 s, then the process exits and the caller kills the rest
  const closed = await Promise.race([context.close().then(() => true, () => false),
    new Promise((resolve) => setTimeout(() => resolve(false), 15000))]);
  if (!closed) console.log('the browser did not close within 15 s');
  fs.rmSync(userDataDir, { recursive: true, force: true });
}
process.exit(exitCode);
