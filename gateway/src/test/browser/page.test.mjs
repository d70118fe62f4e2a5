// Drives the IST web page in Debian's headless Chromium through playwright-core (no bundled browser).
// Usage: node page.test.mjs <baseUrl> <apiKey|-> <content.png> <style.png> <bad-file> <screenshotDir>
// An apiKey of "-" means the gateway allows anonymous access: the page must work without any key.
// Prints PAGE-TEST OK and exits 0 when every check passed; prints PAGE-TEST FAILED and exits 1 otherwise.
import { chromium } from 'playwright-core';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { installProbes, probed, submitted } from './probes.mjs';

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
  await installProbes(page);

  await page.goto(baseUrl, { waitUntil: 'domcontentloaded' });
  check(await page.evaluate(() => !('__ist' in window)), 'the page carries no test hooks (window.__ist)');
  if (apiKey === '-') {
    // the recent jobs list has been read (it is aria-busy while it is)
    await page.waitForSelector('#recent[aria-busy="false"]', { state: 'attached', timeout: 10000 });
    check(await page.isHidden('#notice'), 'with anonymous access the page works without asking for a key');
  } else {
    await page.waitForSelector('#notice:not([hidden])', { timeout: 10000 });
    check((await page.textContent('#notice')).includes('API key'), 'without a key the page asks for one');
    await page.fill('#api-key', apiKey);
    await page.click('#save-key');
    check(await page.evaluate(() => localStorage.getItem('ist.apiKey')) === apiKey,
      'the key is kept in localStorage');
  }

  // the form's bounds are the gateway's answer to GET /v1/options (its ist.limits.*), not numbers of the HTML
  const announced = await page.evaluate(async (key) => (await fetch('/v1/options',
    { headers: key === '-' ? {} : { 'X-Api-Key': key } })).json(), apiKey);
  await page.waitForFunction((max) => document.querySelector('#iterations').getAttribute('max') === String(max),
    announced.numbers.iterations.maximum, { timeout: 10000 }).catch(() => {}); // the check below says what it was
  check(await page.getAttribute('#iterations', 'max') === String(announced.numbers.iterations.maximum),
    `the iterations input's max is the gateway's limit (${announced.numbers.iterations.maximum})`);

  await page.setInputFiles('#content-input', contentPng);
  await page.setInputFiles('#style-input', [stylePng]);
  await page.click('#preset-quick');
  check(await page.inputValue('#size') === '256' && await page.inputValue('#iterations') === '100',
    'the Quick preset sets 256 px and 100 iterations');
  await page.waitForSelector('#quote-unknown', { timeout: 15000 });
  check((await page.textContent('#quote-unknown')).startsWith('No worker has reported its capacity yet'),
    'with no worker advertised, the quote says the fleet is unknown');
  const firstAnswer = await submitted(page, () => page.click('#submit'));
  check(firstAnswer.status() === 202, 'the job is accepted');
  const firstJobId = (await firstAnswer.json()).id;

  await page.waitForFunction(() => {
    const v = Number(document.querySelector('#progress').getAttribute('aria-valuenow'));
    return v > 0 && v < 100;
  }, null, { timeout: 30000 });
  console.log('progress bar moving: ' + await page.textContent('#progress-text'));
  await page.waitForSelector('#preview[src^="blob:"]', { timeout: 30000 });
  check(true, 'a preview image appeared while the job ran');
  await page.waitForSelector('#result[src^="blob:"]', { timeout: 30000 });
  await page.waitForFunction(() => document.querySelector('#result').naturalWidth > 0, null, { timeout: 10000 });
  const seen = (await probed(page)).progress; // every value the progress bar's aria-valuenow took
  const intermediate = new Set(seen.filter((v) => v > 0 && v < 100));
  check(intermediate.size >= 2, `the progress bar showed several steps (${[...intermediate].join(', ')})`);
  check(seen[seen.length - 1] === 100, 'the progress bar ends full');
  const chart = await page.getAttribute('#loss-chart', 'aria-label');
  const lossPoints = Number((/: (\d+) points?\b/.exec(chart) || [0, 0])[1]);
  check(lossPoints >= 2, `the loss chart has points ("${chart}")`);
  check((await page.textContent('#job-status')).includes('succeeded'), 'the status says succeeded');
  check(await page.isVisible('#download'), 'the download link is shown');
  await page.waitForSelector('#network-notice:not([hidden])', { timeout: 10000 });
  check((await page.textContent('#network-notice')).includes('Random network — result is not a real style transfer'),
    'the page says prominently that a seeded random network made the result');
  await page.waitForSelector('#recent li[data-job-id]', { timeout: 10000 });
  check(await page.locator('#recent li[data-job-id] .status.SUCCEEDED').count() >= 1,
    'the recent jobs list shows the finished job');
  await page.waitForFunction(() => [...document.querySelectorAll('#recent li[data-job-id] img.thumb')]
    .some((img) => img.naturalWidth > 0), null, { timeout: 10000 });
  check(true, 'a recent job shows a thumbnail');
  const shot = path.join(shotDir, 'page-succeeded.png');
  await page.screenshot({ path: shot, fullPage: true });
  console.log('SCREENSHOT ' + shot);

  // (the probe reads the page's event stream alongside it: each job event's delay from its "at" to the page)
  const received = (await probed(page)).events.filter((e) => e.jobId === firstJobId);
  const delays = received.map((e) => e.delay);
  check(delays.length >= 5, `the page received ${delays.length} events`);
  // QUEUED is stamped at submission and replayed when the stream opens: not a live delivery
  const live = received.filter((e) => e.type !== 'QUEUED').map((e) => e.delay);
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
  await page.waitForSelector('#quote-error', { timeout: 10000 });
  const quoteError = await page.textContent('#quote-error');
  check(quoteError.includes('the content photo is not a PNG or JPEG') && quoteError.includes('content: '),
    `the quote names the refused upload as the content photo: "${quoteError}"`);
  const badShot = path.join(shotDir, 'page-bad-file.png');
  await page.screenshot({ path: badShot, fullPage: true });
  console.log('SCREENSHOT ' + badShot);

  // Fast mode: the model picker offers the house styles of GET /v1/models
  await page.check('#mode-fast');
  await page.waitForSelector('#model option[value="page-house"]', { state: 'attached', timeout: 10000 });
  check(!(await page.isDisabled('#model')), 'Fast mode enables the model picker, which lists the registered models');
  await page.check('#mode-optimize');
  check(await page.isDisabled('#model'), 'Optimize mode disables the model picker');

  // masks: a mask file for style 1 is previewed over the photo and sent as the part mask0
  await page.setInputFiles('#content-input', contentPng);
  await page.setInputFiles('#style-input', [stylePng]);
  await page.waitForSelector('#masks:not([hidden])', { timeout: 10000 });
  await page.waitForSelector('#mask-input-0', { state: 'attached', timeout: 10000 });
  // the preview takes the photo's shape (96×64 → 320×213) once the photo has loaded
  await page.waitForFunction(() => document.querySelector('#mask-preview').height === 213, null, { timeout: 10000 });
  const photoOnly = await page.evaluate(() => document.querySelector('#mask-preview').toDataURL());
  await page.setInputFiles('#mask-input-0', contentPng); // the photo's own shape, as a grey-level mask
  await page.waitForFunction((before) => document.querySelector('#mask-preview').toDataURL() !== before, photoOnly,
    { timeout: 10000 });
  check((await page.textContent('#mask-state-0')) === 'content.png', 'the mask is drawn over the photo');
  // (Chromium does not hand file bodies to the driver: the page lists the parts it sent, and the gateway's answer
  // shows which bytes arrived as style 0's mask)
  const maskResponse = await submitted(page, () => page.click('#submit'));
  const parts = (await probed(page)).submits.at(-1);
  check(parts.some(([name, file]) => name === 'mask0' && file === 'content.png'),
    `the submission carries the mask as the part mask0 (${parts.map(([n]) => n).join(', ')})`);
  const maskJob = await maskResponse.json();
  const fileSha = crypto.createHash('sha256').update(fs.readFileSync(contentPng)).digest('hex');
  check(maskResponse.status() === 202 && maskJob.styles[0].mask && maskJob.styles[0].mask.sha256 === fileSha,
    'the gateway accepted the mask file as style 0\'s mask (same SHA-256)');
  const maskShot = path.join(shotDir, 'page-masks.png');
  await page.screenshot({ path: maskShot, fullPage: true });
  console.log('SCREENSHOT ' + maskShot);

  // the brush paints style 1's mask; the painted mask is sent as a PNG of the photo's shape
  await page.locator('#mask-preview').scrollIntoViewIfNeeded(); // the mouse reaches what is in the viewport
  const box = await page.locator('#mask-preview').boundingBox();
  await page.mouse.move(box.x + box.width * 0.2, box.y + box.height * 0.5);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5, { steps: 8 });
  await page.mouse.up();
  check((await page.textContent('#mask-state-0')) === 'painted', 'the brush paints into the mask');
  const paintedResponse = await submitted(page, () => page.click('#submit'));
  check((await probed(page)).submits.at(-1)
    .some(([name, file]) => name === 'mask0' && file === 'mask0.png'), 'a painted mask is sent as mask0 (mask0.png)');
  const painted = await paintedResponse.json();
  check(paintedResponse.status() === 202 && painted.styles[0].mask.sha256 !== fileSha,
    'the gateway accepted the painted mask');
  await page.click('#brush-clear');

  // a job that stays queued shows where it stands in the queue, and when it should be done
  await page.fill('#seed', '4242'); // the worker stand-in leaves jobs of this seed queued
  const queuedAnswer = await submitted(page, () => page.click('#submit'));
  check(queuedAnswer.status() === 202, 'the job to stay queued is accepted');
  const queuedJob = (await queuedAnswer.json()).id;
  await page.waitForFunction((id) => document.querySelector('#job-status').textContent.includes(id.slice(0, 8))
    && !document.querySelector('#queue-info').hidden
    && document.querySelector('#queue-info').textContent.startsWith('Position'), queuedJob, { timeout: 15000 });
  check((await page.textContent('#job-status')).includes('queued'), 'the job shown is the queued one');
  const queueText = await page.textContent('#queue-info');
  console.log('queue info shown: ' + queueText);
  check(/Position \d+ in the queue/.test(queueText), 'a queued job shows its position in the queue');
  check(/about .+ until it is done/.test(queueText), 'a queued job shows its ETA (jobs have finished before)');
  const queuedShot = path.join(shotDir, 'page-queued.png');
  await page.screenshot({ path: queuedShot, fullPage: true });
  console.log('SCREENSHOT ' + queuedShot);
  await page.click('#cancel');
  await page.waitForFunction(() => document.querySelector('#job-status').textContent.includes('cancelled'), null,
    { timeout: 15000 });
  check(await page.isHidden('#network-notice'), 'a job that never ran shows no network notice');
  await page.fill('#seed', '0');

  // a recent job opens on click, with its result and its notice
  await page.click('#refresh');
  await page.waitForSelector(`#recent li[data-job-id="${firstJobId}"] img.thumb`, { timeout: 10000 });
  await page.click(`#recent li[data-job-id="${firstJobId}"]`);
  await page.waitForFunction((id) => document.querySelector('#job-status').textContent.includes(id.slice(0, 8))
    && document.querySelector('#job-status').textContent.includes('succeeded'), firstJobId, { timeout: 15000 });
  await page.waitForSelector('#result[src^="blob:"]', { timeout: 15000 });
  check(true, 'clicking a recent job opens it with its result');
  await page.waitForSelector('#network-notice:not([hidden])', { timeout: 10000 });
  check(true, 'the reopened job shows the random-network notice');

  console.log('PAGE-TEST OK');
  exitCode = 0;
} catch (err) {
  console.log('PAGE-TEST FAILED: ' + (err && err.stack ? err.stack : err));
} finally {
  // a wedged Chromium must not hold the test: closing gets 15 s, then the process exits and the caller kills the rest
  const closed = await Promise.race([context.close().then(() => true, () => false),
    new Promise((resolve) => setTimeout(() => resolve(false), 15000))]);
  if (!closed) console.log('the browser did not close within 15 s');
  fs.rmSync(userDataDir, { recursive: true, force: true });
}
process.exit(exitCode);
