// IST web page: plain JavaScript, no build step. Talks only to the gateway's /v1 API.
'use strict';

const $ = (sel) => document.querySelector(sel);
const KEY_STORAGE = 'ist.apiKey';

// what the browser test reads back (event delays, progress values seen, loss points drawn)
window.__ist = {
  delays: [], liveDelays: [], progressSeen: [], lossPoints: 0, recentLoaded: false, maskOverlays: 0, lastJob: null,
  thumbs: 0,
};

const state = {
  apiKey: localStorage.getItem(KEY_STORAGE) || '',
  content: null,
  styles: [],
  jobId: null,
  stream: null,
  losses: [],
  previewBusy: false,
  previewWanted: false,
  objectUrls: { preview: null, result: null },
  contentImage: null,
  // per style: null, or { file, canvas, painted } (canvas: the grey mask at preview resolution)
  masks: [],
  thumbUrls: new Map(),
};

// ---------------------------------------------------------------- HTTP and problem+json

function authHeaders() {
  return state.apiKey ? { 'X-Api-Key': state.apiKey } : {};
}

class ApiError extends Error {
  constructor(status, problem) {
    super(problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

async function toError(response) {
  let problem;
  try {
    problem = await response.json();
  } catch (e) {
    problem = { title: `${response.status} ${response.statusText}`, detail: 'The gateway gave no details.' };
  }
  problem.retryAfter = response.headers.get('Retry-After');
  return new ApiError(response.status, problem);
}

async function api(path, options = {}) {
  const response = await fetch(path, { ...options, headers: { ...authHeaders(), ...(options.headers || {}) } });
  if (!response.ok) {
    throw await toError(response);
  }
  return response;
}

/** A problem+json answer in words (title, detail, field errors), in the form's error box unless told another. */
function showError(err, box = $('#error')) {
  box.replaceChildren();
  const p = err.problem || { title: 'Something went wrong', detail: String(err.message || err) };
  const title = document.createElement('strong');
  title.textContent = p.title || 'Error';
  box.append(title);
  if (p.detail) {
    box.append(document.createTextNode(' — ' + p.detail));
  }
  if (Array.isArray(p.errors) && p.errors.length) {
    const list = document.createElement('ul');
    for (const e of p.errors) {
      const li = document.createElement('li');
      li.textContent = `${e.field}: ${e.message}`;
      list.append(li);
    }
    box.append(list);
  }
  const fix = fittingSizeButton(p); // too-large-for-fleet: one click to the largest size that fits (quote.js)
  if (fix) {
    box.append(fix);
  }
  if (err.status === 401) {
    needKey();
  } else if (err.status === 429) {
    const retry = p.retryAfter || '';
    box.append(document.createTextNode(retry ? ` (retry in ${retry} s)` : ''));
  }
  box.hidden = false;
}

function clearError() {
  $('#error').hidden = true;
  $('#error').replaceChildren();
}

function notice(text) {
  const n = $('#notice');
  n.textContent = text || '';
  n.hidden = !text;
}

function needKey() {
  $('#key-panel').open = true;
  notice('This gateway needs an API key: paste it under “API key” (top right).');
  $('#api-key').focus();
}

// ---------------------------------------------------------------- API key

$('#key-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  state.apiKey = $('#api-key').value.trim();
  if (state.apiKey) {
    localStorage.setItem(KEY_STORAGE, state.apiKey);
  } else {
    localStorage.removeItem(KEY_STORAGE);
  }
  $('#api-key').value = '';
  $('#key-panel').open = false;
  keySummary();
  notice('');
  loadRecent();
  loadModels();
  loadOptions();
});

$('#forget-key').addEventListener('click', () => {
  state.apiKey = '';
  localStorage.removeItem(KEY_STORAGE);
  keySummary();
});

function keySummary() {
  $('#key-summary').textContent = state.apiKey ? 'API key ✓' : 'API key';
}

// ---------------------------------------------------------------- picking and dropping images

function thumb(file) {
  if (/^image\//.test(file.type)) {
    const img = document.createElement('img');
    img.src = URL.createObjectURL(file);
    img.alt = file.name;
    img.title = file.name;
    return img;
  }
  const span = document.createElement('span');
  span.className = 'file';
  span.textContent = file.name;
  return span;
}

function setContent(files) {
  state.content = files[0] || null;
  $('#content-thumb').replaceChildren(...(state.content ? [thumb(state.content)] : []));
  clearError();
  state.contentImage = null;
  if (state.content && /^image\//.test(state.content.type)) {
    loadImage(state.content).then((img) => {
      state.contentImage = img;
      resetMasks();
    }).catch(() => resetMasks());
  } else {
    resetMasks();
  }
}

function setStyles(files) {
  state.styles = Array.from(files);
  $('#style-thumbs').replaceChildren(...state.styles.map(thumb));
  clearError();
  resetMasks();
}

function loadImage(blob) {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error('not an image'));
    img.src = URL.createObjectURL(blob);
  });
}

// ---------------------------------------------------------------- masks (one per style, over the photo)

const MASK_COLOURS = ['#e8590c', '#3b5bdb', '#2b8a3e', '#ae3ec9', '#f59f00', '#0c8599'];

/** Preview size: the photo's aspect ratio, 320 px wide; masks are drawn and sent at this size. */
function maskSize() {
  const img = state.contentImage;
  const w = 320;
  return img ? { w, h: Math.max(1, Math.round((w * img.naturalHeight) / img.naturalWidth)) } : { w, h: 240 };
}

function resetMasks() {
  state.masks = state.styles.map(() => null);
  const list = $('#mask-list');
  list.replaceChildren(...state.styles.map((style, i) => {
    const li = document.createElement('li');
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    swatch.style.background = MASK_COLOURS[i % MASK_COLOURS.length];
    const label = document.createElement('label');
    label.htmlFor = `mask-input-${i}`;
    label.textContent = `style ${i + 1} (${style.name}): mask`;
    const input = document.createElement('input');
    input.type = 'file';
    input.id = `mask-input-${i}`;
    input.className = 'mask-input';
    input.accept = 'image/png,image/jpeg';
    input.addEventListener('change', () => input.files[0] && useMaskFile(i, input.files[0]));
    const state_ = document.createElement('span');
    state_.className = 'hint';
    state_.id = `mask-state-${i}`;
    state_.textContent = 'everywhere';
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'quiet';
    remove.textContent = 'remove';
    remove.addEventListener('click', () => {
      state.masks[i] = null;
      input.value = '';
      drawMaskOverlay();
    });
    li.append(swatch, label, input, state_, remove);
    return li;
  }));
  $('#brush-style').replaceChildren(...state.styles.map((style, i) => {
    const o = document.createElement('option');
    o.value = String(i);
    o.textContent = `${i + 1}: ${style.name}`;
    return o;
  }));
  showMaskPanel();
  drawMaskOverlay();
}

function showMaskPanel() {
  $('#masks').hidden = !(state.content && state.styles.length > 0 && !fastMode());
}

function maskCanvas(i) {
  const { w, h } = maskSize();
  if (!state.masks[i]) {
    const canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = h;
    const g = canvas.getContext('2d');
    g.fillStyle = '#000';
    g.fillRect(0, 0, w, h);
    state.masks[i] = { file: null, canvas, painted: false };
  }
  return state.masks[i].canvas;
}

async function useMaskFile(i, file) {
  try {
    const img = await loadImage(file);
    state.masks[i] = null;
    const canvas = maskCanvas(i);
    canvas.getContext('2d').drawImage(img, 0, 0, canvas.width, canvas.height);
    state.masks[i].file = file;
    const ratio = (img.naturalWidth / img.naturalHeight) / (canvas.width / canvas.height);
    $(`#mask-state-${i}`).textContent = Math.max(ratio, 1 / ratio) > 1.1
      ? `${file.name}: not the photo's shape (it will be refused)` : file.name;
  } catch (err) {
    // not decodable here: still sent, so the gateway's answer names the field
    state.masks[i] = { file, canvas: null, painted: false };
    $(`#mask-state-${i}`).textContent = `${file.name} (no preview)`;
  }
  drawMaskOverlay();
}

/** The photo, each style's mask tinted in its colour on top (alpha = the mask's grey level). */
function drawMaskOverlay() {
  const view = $('#mask-preview');
  const { w, h } = maskSize();
  view.width = w;
  view.height = h;
  const g = view.getContext('2d');
  g.clearRect(0, 0, w, h);
  if (state.contentImage) {
    g.drawImage(state.contentImage, 0, 0, w, h);
  }
  state.masks.forEach((m, i) => {
    if (!m || !m.canvas) {
      return;
    }
    const grey = m.canvas.getContext('2d').getImageData(0, 0, w, h);
    const [r, gg, b] = hexRgb(MASK_COLOURS[i % MASK_COLOURS.length]);
    const tint = g.createImageData(w, h);
    for (let p = 0; p < grey.data.length; p += 4) {
      const level = (grey.data[p] * 0.299 + grey.data[p + 1] * 0.587 + grey.data[p + 2] * 0.114) / 255;
      tint.data[p] = r;
      tint.data[p + 1] = gg;
      tint.data[p + 2] = b;
      tint.data[p + 3] = Math.round(level * 150);
    }
    const layer = document.createElement('canvas');
    layer.width = w;
    layer.height = h;
    layer.getContext('2d').putImageData(tint, 0, 0);
    g.drawImage(layer, 0, 0);
    window.__ist.maskOverlays++;
  });
}

function hexRgb(hex) {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

// the brush: paints white (or black with "erase") into the selected style's mask
let painting = false;
let overlayQueued = false;
function paintAt(ev) {
  if (!state.styles.length) {
    return;
  }
  const i = Number($('#brush-style').value || 0);
  const view = $('#mask-preview');
  const rect = view.getBoundingClientRect();
  const x = ((ev.clientX - rect.left) / rect.width) * view.width;
  const y = ((ev.clientY - rect.top) / rect.height) * view.height;
  const canvas = maskCanvas(i);
  const g = canvas.getContext('2d');
  g.fillStyle = $('#brush-erase').getAttribute('aria-pressed') === 'true' ? '#000' : '#fff';
  g.beginPath();
  g.arc(x, y, Number($('#brush-size').value) / 2, 0, Math.PI * 2);
  g.fill();
  state.masks[i].painted = true;
  $(`#mask-state-${i}`).textContent = 'painted';
  if (!overlayQueued) {
    overlayQueued = true;
    requestAnimationFrame(() => {
      overlayQueued = false;
      drawMaskOverlay();
    });
  }
}
$('#mask-preview').addEventListener('pointerdown', (ev) => {
  painting = true;
  $('#mask-preview').setPointerCapture(ev.pointerId);
  paintAt(ev);
});
$('#mask-preview').addEventListener('pointermove', (ev) => painting && paintAt(ev));
$('#mask-preview').addEventListener('pointerup', () => { painting = false; });
$('#brush-erase').addEventListener('click', (ev) => {
  const b = ev.currentTarget;
  b.setAttribute('aria-pressed', b.getAttribute('aria-pressed') === 'true' ? 'false' : 'true');
});
$('#brush-clear').addEventListener('click', () => {
  const i = Number($('#brush-style').value || 0);
  state.masks[i] = null;
  const input = $(`#mask-input-${i}`);
  if (input) {
    input.value = '';
  }
  drawMaskOverlay();
});

/** The bytes sent as mask<i>: the picked file as it is, or the painted canvas as PNG. */
async function maskBlob(i) {
  const m = state.masks[i];
  if (!m) {
    return null;
  }
  if (m.file && !m.painted) {
    return { blob: m.file, name: m.file.name };
  }
  const blob = await new Promise((resolve) => m.canvas.toBlob(resolve, 'image/png'));
  return { blob, name: `mask${i}.png` };
}

$('#content-input').addEventListener('change', (ev) => setContent(ev.target.files));
$('#style-input').addEventListener('change', (ev) => setStyles(ev.target.files));

for (const [zone, apply] of [['#content-drop', setContent], ['#style-drop', setStyles]]) {
  const el = $(zone);
  el.addEventListener('dragover', (ev) => { ev.preventDefault(); el.classList.add('over'); });
  el.addEventListener('dragleave', () => el.classList.remove('over'));
  el.addEventListener('drop', (ev) => {
    ev.preventDefault();
    el.classList.remove('over');
    if (ev.dataTransfer && ev.dataTransfer.files.length) {
      apply(ev.dataTransfer.files);
    }
  });
}

// ---------------------------------------------------------------- options

// GET /v1/options: the form's bounds and defaults are the gateway's (its ist.limits.*), so the page never offers what
// the API refuses. The HTML's values only hold until the answer comes (or when it cannot come).
async function loadOptions() {
  try {
    applyOptions(await (await api('/v1/options')).json());
  } catch (err) {
    // keep the HTML's values; a missing key is reported by the calls that need one
  }
}

/** The input's min/max from a numeric option; an absent bound is removed (the API does not check it). */
function setBounds(input, spec) {
  const min = spec.minimum ?? spec.exclusiveMinimum;
  const max = spec.maximum ?? spec.exclusiveMaximum;
  for (const [name, value] of [['min', min], ['max', max]]) {
    if (value === undefined || value === null) {
      input.removeAttribute(name);
    } else {
      input.setAttribute(name, String(value));
    }
  }
}

/** A default goes in only where the user has not typed yet (the answer may come after they started). */
function setDefault(input, value) {
  if (value !== undefined && value !== null && !input.dataset.touched) {
    if (input.type === 'checkbox') {
      input.checked = Boolean(value);
    } else {
      input.value = String(value);
    }
  }
}

for (const id of ['#size', '#iterations', '#seed', '#strength', '#preserve-colors', '#optimizer', '#output-format']) {
  $(id).addEventListener('input', (ev) => { ev.currentTarget.dataset.touched = 'yes'; });
}

function applyOptions(o) {
  const n = o.numbers;
  setBounds($('#size'), n.size);
  setBounds($('#iterations'), n.iterations);
  setBounds($('#seed'), n.seed);
  setDefault($('#size'), n.size.default);
  setDefault($('#iterations'), n.iterations.default);
  setDefault($('#seed'), n.seed.default);
  // style strength is log10(styleWeight): the page's 3..7 slider, cut to the weights the API accepts
  const strength = $('#strength');
  const top = Math.log10(n.styleWeight.maximum);
  if (Number(strength.max) > top) {
    strength.max = String(top);
  }
  setDefault(strength, Math.min(top, Math.log10(n.styleWeight.default)));
  showStrength();
  setDefault($('#preserve-colors'), o.switches.preserveColors);
  setDefault($('#optimizer'), o.choices.optimizer.default);
  setDefault($('#output-format'), o.choices.outputFormat.default);
  // a choice this gateway does not know is not offered
  for (const [select, choice] of [['#optimizer', o.choices.optimizer], ['#output-format', o.choices.outputFormat]]) {
    for (const option of $(select).options) {
      option.disabled = !choice.values.includes(option.value);
    }
  }
  window.__ist.options = o;
}

/** A number within the input's min/max (a preset is a page choice; the bounds are the gateway's). */
function clampToInput(input, value) {
  const min = input.min === '' ? -Infinity : Number(input.min);
  const max = input.max === '' ? Infinity : Number(input.max);
  return String(Math.min(max, Math.max(min, Number(value))));
}

for (const id of ['#preset-quick', '#preset-balanced', '#preset-best']) {
  $(id).addEventListener('click', (ev) => {
    const b = ev.currentTarget;
    $('#size').value = clampToInput($('#size'), b.dataset.size);
    $('#iterations').value = clampToInput($('#iterations'), b.dataset.iterations);
    $('#size').dataset.touched = $('#iterations').dataset.touched = 'yes';
    document.querySelectorAll('.presets button').forEach((x) => x.classList.toggle('chosen', x === b));
  });
}

function strength() {
  return Math.pow(10, Number($('#strength').value));
}

function showStrength() {
  $('#strength-value').textContent = strength().toExponential(1).replace('+', '');
}
$('#strength').addEventListener('input', showStrength);

function fastMode() {
  return $('#mode-fast').checked;
}

function options() {
  const o = {
    size: Number($('#size').value),
    iterations: Number($('#iterations').value),
    styleWeight: strength(),
    preserveColors: $('#preserve-colors').checked,
    seed: Number($('#seed').value || 0),
    optimizer: $('#optimizer').value,
    outputFormat: $('#output-format').value,
  };
  if (fastMode()) {
    o.mode = 'FAST';
    o.model = $('#model').value;
  }
  return o;
}

// the model picker: house styles from GET /v1/models, used by Fast mode
async function loadModels() {
  try {
    const { models } = await (await api('/v1/models')).json();
    const select = $('#model');
    select.replaceChildren(...(models.length ? models : [{ name: '', description: 'no models' }]).map((m) => {
      const option = document.createElement('option');
      option.value = m.name;
      option.textContent = m.name ? m.name + (m.description ? ' — ' + m.description : '') : m.description;
      return option;
    }));
    select.disabled = !fastMode() || models.length === 0;
  } catch (err) {
    // no key yet, or the gateway is starting: the picker stays empty
  }
}
for (const id of ['#mode-optimize', '#mode-fast']) {
  $(id).addEventListener('change', () => {
    $('#model').disabled = !fastMode() || !$('#model').value;
    $('#style-drop').classList.toggle('unused', fastMode());
    showMaskPanel();
  });
}

// ---------------------------------------------------------------- submit

$('#job-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  clearError();
  if (!state.content || (state.styles.length === 0 && !fastMode())) {
    showError({ problem: { title: 'Images missing', detail: 'Pick a content photo and at least one style image.' } });
    return;
  }
  if (fastMode() && !$('#model').value) {
    showError({ problem: { title: 'No house style', detail: 'Fast mode needs a model; none is registered yet.' } });
    return;
  }
  const form = new FormData();
  form.append('content', state.content, state.content.name);
  for (const s of fastMode() ? [] : state.styles) {
    form.append('style', s, s.name);
  }
  if (!fastMode()) {
    for (let i = 0; i < state.styles.length; i++) {
      const mask = await maskBlob(i);
      if (mask) {
        form.append('mask' + i, mask.blob, mask.name);
      }
    }
  }
  form.append('options', JSON.stringify(options()));
  window.__ist.lastSubmitParts = [...form.entries()].map(([k, v]) => [k, v instanceof File ? v.name : null]);
  $('#submit').disabled = true;
  try {
    const response = await api('/v1/jobs', {
      method: 'POST',
      body: form,
      headers: { 'Idempotency-Key': crypto.randomUUID() },
    });
    const job = await response.json();
    window.__ist.lastJob = job;
    openJob(job);
    loadRecent();
  } catch (err) {
    showError(err);
  } finally {
    $('#submit').disabled = false;
  }
});

// ---------------------------------------------------------------- following a job

function openJob(job) {
  if (state.stream) {
    state.stream.abort();
  }
  state.jobId = job.id;
  state.losses = [];
  drawLosses();
  for (const which of ['preview', 'result']) {
    $('#' + which).hidden = true;
    $('#' + which).removeAttribute('src');
  }
  $('#download').hidden = true;
  showStatus(job.status, job);
  setProgress(job.progress ? job.progress.iteration / job.progress.total : 0, job.progress);
  showJobEstimate(job);
  showJobInfo(job);
  follow(job.id);
  watchStatus(job.id);
}

const TERMINAL = ['SUCCEEDED', 'FAILED', 'CANCELLED'];

/**
 * A running job's time left is computed when the job is read (the stream pushes only queue positions, as "queue"
 * events): while the job is unfinished its status is read again every second.
 */
async function watchStatus(jobId) {
  for (;;) {
    await new Promise((r) => setTimeout(r, 1000));
    if (state.jobId !== jobId) {
      return;
    }
    try {
      const job = await (await api(`/v1/jobs/${jobId}`)).json();
      if (state.jobId !== jobId) {
        return;
      }
      showJobInfo(job);
      if (TERMINAL.includes(job.status)) {
        return;
      }
    } catch (err) {
      if (err instanceof ApiError && err.status < 500 && err.status !== 429) {
        return;
      }
    }
  }
}

function duration(seconds) {
  if (seconds < 90) {
    return `${Math.max(1, Math.round(seconds))} s`;
  }
  if (seconds < 5400) {
    return `${Math.round(seconds / 60)} min`;
  }
  return `${(seconds / 3600).toFixed(1)} h`;
}

/**
 * The gateway's queue ETA already adds the job's own quoted run (scaled by how the fleet's jobs compare with their
 * quotes) to the runs ahead of it; before it has one, the job's own estimate (its 202, quote.js) is still shown.
 */
function queueText(queue) {
  const run = estimatedSeconds(state.jobId);
  return `Position ${queue.position} in the queue` + (queue.etaSeconds != null
    ? ` · about ${duration(queue.etaSeconds)} until it is done`
    : run != null ? ` · its run takes about ${duration(run)}` : ' · no estimate until a first job has finished');
}

/** Queue position and ETA (QUEUED), time left (RUNNING), and the network notice. */
function showJobInfo(job) {
  const info = $('#queue-info');
  let text = '';
  if (job.status === 'QUEUED' && job.queue) {
    text = queueText(job.queue);
  } else if (job.status === 'RUNNING' && job.etaSeconds != null) {
    text = `About ${duration(job.etaSeconds)} left`;
  } else if (job.status === 'RUNNING' && estimatedSeconds(job.id) != null) {
    text = `About ${duration(estimatedSeconds(job.id))} to run (estimated)`;
  }
  info.textContent = text;
  info.hidden = !text;
  showNetwork(job.network);
}

/** The stream's "queue" event ({jobId, position, etaSeconds}): the position as soon as it moves. */
function onQueueEvent(queue) {
  if (queue.jobId === state.jobId && $('#job-status').classList.contains('QUEUED')) {
    $('#queue-info').textContent = queueText(queue);
    $('#queue-info').hidden = false;
  }
}

/** A job that started has no queue position any more (its time left comes with the next status read). */
function leftTheQueue() {
  const info = $('#queue-info');
  if (info.textContent.startsWith('Position')) {
    info.hidden = true;
    info.textContent = '';
  }
}

/** A seeded random network makes pictures, but no style transfer: say so where the result is. */
function showNetwork(network) {
  const box = $('#network-notice');
  if (!network || !network.random) {
    box.hidden = true;
    box.replaceChildren();
    return;
  }
  const detail = document.createElement('small');
  detail.textContent = `The worker ran a seeded random network (${network.weights}), not trained VGG19 weights: `
    + 'the picture shows what random filters make of the images. Ask the operator to install the weights.';
  box.replaceChildren(document.createTextNode('Random network — result is not a real style transfer'), detail);
  box.hidden = false;
}

function showStatus(status, detail) {
  const el = $('#job-status');
  el.className = 'status ' + status;
  let text = `Job ${state.jobId.slice(0, 8)}: ${status.toLowerCase()}`;
  if (status === 'FAILED' && detail && detail.failure) {
    text += ` — ${detail.failure.message} (${detail.failure.code})`;
  }
  if (status === 'CANCELLED') {
    text += ' — cancelled';
  }
  el.textContent = text;
  $('#cancel').disabled = status === 'SUCCEEDED' || status === 'FAILED' || status === 'CANCELLED';
}

function setProgress(fraction, progress) {
  const pct = Math.max(0, Math.min(100, Math.round(fraction * 100)));
  $('#progress').setAttribute('aria-valuenow', String(pct));
  $('#progress-bar').style.width = pct + '%';
  if (progress) {
    const secs = (progress.elapsedMs / 1000).toFixed(1);
    $('#progress-text').textContent =
      `iteration ${progress.iteration} of ${progress.total} · ${progress.width}×${progress.height} px · ${secs} s`;
  }
  window.__ist.progressSeen.push(pct);
}

/** SSE over fetch (EventSource cannot send the API key header); reconnects with Last-Event-ID. */
async function follow(jobId) {
  const controller = new AbortController();
  state.stream = controller;
  let lastId = null;
  let finished = false;
  while (!finished && !controller.signal.aborted) {
    try {
      const headers = { Accept: 'text/event-stream' };
      if (lastId !== null) {
        headers['Last-Event-ID'] = lastId;
      }
      const response = await api(`/v1/jobs/${jobId}/events`, { headers, signal: controller.signal });
      if (response.status === 204) {
        return;
      }
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) {
          break;
        }
        buffer += value.replace(/\r\n/g, '\n');
        let cut;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const message = parseSse(block);
          if (message && message.data && message.event === 'queue') {
            onQueueEvent(JSON.parse(message.data)); // no id: Last-Event-ID counts job events only
          } else if (message && message.data) {
            lastId = message.id ?? lastId;
            if (onEvent(JSON.parse(message.data))) {
              finished = true;
            }
          }
        }
      }
    } catch (err) {
      if (controller.signal.aborted) {
        return;
      }
      if (err instanceof ApiError && err.status < 500) {
        showError(err);
        return;
      }
    }
    if (!finished) {
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
}

function parseSse(block) {
  const msg = { id: null, event: null, data: '' };
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) {
      continue;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') {
      msg.id = value;
    } else if (field === 'event') {
      msg.event = value;
    } else if (field === 'data') {
      msg.data += (msg.data ? '\n' : '') + value;
    }
  }
  return msg;
}

function eventTime(iso) {
  // Java writes nanoseconds; Date.parse wants at most milliseconds
  return Date.parse(iso.replace(/(\.\d{3})\d+/, '$1'));
}

/** Applies one job event to the page; true when it was the last one. */
function onEvent(ev) {
  if (ev.jobId !== state.jobId) {
    return true;
  }
  const delay = Date.now() - eventTime(ev.at);
  window.__ist.delays.push(delay);
  if (ev.type !== 'QUEUED') {
    // QUEUED is stamped at submission and replayed when the stream opens: not a live delivery
    window.__ist.liveDelays.push(delay);
  }
  if (ev.network) {
    showNetwork(ev.network);
  }
  switch (ev.type) {
    case 'QUEUED':
      showStatus('QUEUED');
      break;
    case 'RUNNING':
      showStatus('RUNNING');
      leftTheQueue();
      break;
    case 'PROGRESS':
      showStatus('RUNNING');
      leftTheQueue();
      setProgress(ev.progress.iteration / ev.progress.total, ev.progress);
      if (ev.progress.losses) {
        state.losses.push(ev.progress.losses);
        drawLosses();
      }
      if (ev.progress.previewKey) {
        refreshPreview();
      }
      break;
    case 'SUCCEEDED':
      $('#queue-info').hidden = true;
      setProgress(1, ev.progress);
      showStatus('SUCCEEDED');
      refreshPreview();
      showResult();
      loadRecent();
      return true;
    case 'FAILED':
      showStatus('FAILED', ev);
      loadRecent();
      return true;
    case 'CANCELLED':
      showStatus('CANCELLED');
      loadRecent();
      return true;
    default:
      break;
  }
  return false;
}

async function fetchImage(path) {
  const response = await api(path);
  return URL.createObjectURL(await response.blob());
}

function replaceUrl(which, url) {
  if (state.objectUrls[which]) {
    URL.revokeObjectURL(state.objectUrls[which]);
  }
  state.objectUrls[which] = url;
  const img = $('#' + which);
  img.src = url;
  img.hidden = false;
}

// at most one preview download at a time; ticks that arrive meanwhile ask for one more
async function refreshPreview() {
  if (state.previewBusy) {
    state.previewWanted = true;
    return;
  }
  state.previewBusy = true;
  const jobId = state.jobId;
  try {
    const url = await fetchImage(`/v1/jobs/${jobId}/preview?download=stream`);
    if (jobId === state.jobId) {
      replaceUrl('preview', url);
    }
  } catch (err) {
    // a preview can vanish or lag behind; the next tick tries again
  } finally {
    state.previewBusy = false;
    if (state.previewWanted) {
      state.previewWanted = false;
      refreshPreview();
    }
  }
}

async function showResult() {
  const jobId = state.jobId;
  try {
    const blob = await (await api(`/v1/jobs/${jobId}/result?download=stream`)).blob();
    if (jobId !== state.jobId) {
      return;
    }
    const url = URL.createObjectURL(blob);
    const ext = { 'image/jpeg': 'jpg', 'image/tiff': 'tif' }[blob.type] || 'png';
    replaceUrl('result', url);
    // browsers do not draw TIFF: the preview stays on screen and the print file is the download
    $('#result').hidden = ext === 'tif';
    const a = $('#download');
    a.href = url;
    a.download = `ist-${jobId}.${ext}`;
    a.hidden = false;
  } catch (err) {
    showError(err);
  }
}

$('#cancel').addEventListener('click', async () => {
  if (!state.jobId) {
    return;
  }
  try {
    const response = await api(`/v1/jobs/${state.jobId}`, { method: 'DELETE' });
    const job = await response.json();
    $('#job-status').textContent += job.cancelRequested ? ' — cancelling…' : '';
    $('#cancel').disabled = true;
  } catch (err) {
    showError(err);
  }
});

// ---------------------------------------------------------------- loss chart (canvas, log scale)

const SERIES = [['total', '#3b5bdb'], ['style', '#e8590c'], ['content', '#2b8a3e']];

function drawLosses() {
  const canvas = $('#loss-chart');
  const g = canvas.getContext('2d');
  const w = canvas.width;
  const h = canvas.height;
  const pad = 28;
  g.clearRect(0, 0, w, h);
  g.font = '11px system-ui, sans-serif';
  g.fillStyle = '#6b7385';
  const points = state.losses;
  window.__ist.lossPoints = points.length;
  if (points.length === 0) {
    g.fillText('losses appear here while the job runs', pad, h / 2);
    return;
  }
  const values = points.flatMap((l) => SERIES.map(([k]) => l[k])).filter((v) => v > 0);
  const lo = Math.floor(Math.log10(Math.min(...values)));
  const hi = Math.ceil(Math.log10(Math.max(...values)) + 1e-9);
  const span = Math.max(1, hi - lo);
  const x = (i) => pad + (points.length === 1 ? 0 : (i / (points.length - 1)) * (w - pad - 8));
  const y = (v) => h - pad + 10 - ((Math.log10(v) - lo) / span) * (h - pad - 4);
  g.strokeStyle = '#d9dde6';
  g.beginPath();
  g.moveTo(pad, 4);
  g.lineTo(pad, h - pad + 10);
  g.lineTo(w - 4, h - pad + 10);
  g.stroke();
  g.fillText(`1e${hi}`, 2, 12);
  g.fillText(`1e${lo}`, 2, h - pad + 10);
  SERIES.forEach(([key, colour], n) => {
    g.strokeStyle = colour;
    g.fillStyle = colour;
    g.beginPath();
    let started = false;
    points.forEach((l, i) => {
      if (!(l[key] > 0)) {
        return;
      }
      if (started) {
        g.lineTo(x(i), y(l[key]));
      } else {
        g.moveTo(x(i), y(l[key]));
        started = true;
      }
    });
    g.stroke();
    g.fillText(key, pad + 8 + n * 60, h - 4);
  });
}

// ---------------------------------------------------------------- recent jobs

async function loadRecent() {
  try {
    const response = await api('/v1/jobs?size=10');
    const page = await response.json();
    window.__ist.recentLoaded = true;
    const list = $('#recent');
    if (page.items.length === 0) {
      list.innerHTML = '<li class="hint">Nothing yet.</li>';
      return;
    }
    list.replaceChildren(...page.items.map((job) => {
      const li = document.createElement('li');
      li.dataset.jobId = job.id;
      li.title = 'show this job';
      li.addEventListener('click', () => openJob(job));
      const img = document.createElement('img');
      img.className = 'thumb';
      img.alt = '';
      const open = document.createElement('button');
      open.type = 'button';
      open.textContent = job.id.slice(0, 8);
      const status = document.createElement('span');
      status.className = 'status ' + job.status;
      status.textContent = job.status.toLowerCase();
      const when = document.createElement('span');
      when.className = 'when';
      when.textContent = new Date(eventTime(job.submittedAt)).toLocaleString();
      li.append(img, open, status, when);
      if (job.network && job.network.random) {
        const random = document.createElement('span');
        random.className = 'random';
        random.textContent = 'random network';
        li.append(random);
      }
      loadThumb(job, img);
      return li;
    }));
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      needKey();
    }
  }
}

/** A recent job's thumbnail: its result once there is one, else its latest preview; fetched with the key, kept. */
async function loadThumb(job, img) {
  const links = job.links || {};
  // a TIFF result is no picture a browser draws: its preview stands in
  const drawable = links.result && !(job.options && job.options.outputFormat === 'TIFF');
  const path = drawable ? `/v1/jobs/${job.id}/result?download=stream`
    : links.preview ? `/v1/jobs/${job.id}/preview?download=stream` : null;
  if (!path) {
    img.hidden = true;
    return;
  }
  const cacheKey = job.id + ' ' + job.status;
  let url = state.thumbUrls.get(cacheKey);
  if (!url) {
    try {
      url = await fetchImage(path);
      state.thumbUrls.set(cacheKey, url);
    } catch (err) {
      img.hidden = true;
      return;
    }
  }
  img.onload = () => { window.__ist.thumbs++; };
  img.src = url;
}

$('#refresh').addEventListener('click', loadRecent);

keySummary();
showStrength();
drawLosses();
loadRecent();
loadModels();
loadOptions();
