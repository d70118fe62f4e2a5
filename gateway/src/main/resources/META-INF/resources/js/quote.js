// What a job will cost before it is submitted: the quote of POST /v1/jobs?dryRun=true for the current choices, and
// the too-large-for-fleet answer with a one-click fitting size (in the quote and in a refused submit's error).
import { api, ApiError } from './api.js';
import { $, state } from './dom.js';
import { showError } from './errors.js';
import { bytesText, duration } from './format.js';
import { fastMode, options } from './options.js';
import { classText, estimateLine, planText, poolOf, showPrintSize } from './plan.js';

const QUOTE_DELAY_MS = 600; // after the last change: typing a size asks once, not per key press

const quoting = {
  timer: null,
  seq: 0, // the latest request's number: an older answer arriving late is dropped
  shownKey: null, // what the quote on screen was asked for
  uploads: new WeakMap(), // picked File -> promise of its stored image id: each file is uploaded once
  fileTags: new WeakMap(),
  nextTag: 1,
};

/** "Use N px": sets the size to what the fleet fits and asks again. */
export function fittingSizeButton(problem) {
  const n = problem && problem.largestFittingSize;
  if (!(n > 0)) {
    return null;
  }
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'use-size';
  b.dataset.size = String(n);
  b.textContent = `Use ${n} px`;
  b.addEventListener('click', () => {
    $('#size').value = String(n);
    document.querySelectorAll('.presets button').forEach((x) => x.classList.remove('chosen'));
    $('#error').hidden = true;
    scheduleQuote(0);
  });
  return b;
}

function renderQuote(q, size) {
  const box = $('#quote');
  const parts = [];
  const head = document.createElement('p');
  head.className = 'quote-head';
  const known = q.fleetKnown ?? (q.capacity && q.capacity.fleetKnown);
  if (!q.estimate && !q.workerClasses) {
    head.textContent = q.note || 'No quote for this job.';
    parts.push(head);
  } else if (known === false) {
    head.id = 'quote-unknown';
    head.textContent = 'No worker has reported its capacity yet: no estimate of who can run this job, or when.';
    const hint = document.createElement('p');
    hint.className = 'hint';
    hint.textContent = 'It is still accepted; the worker that takes it checks it against its own memory.'
      + (q.estimate ? ` (A guess from the CPU model, untiled: about ${duration(q.estimate.seconds)}, `
        + `peak ${bytesText(q.estimate.peakBytes)}.)` : '');
    parts.push(head, hint);
  } else if (!q.fits) {
    head.id = 'quote-too-large';
    head.className = 'quote-head bad';
    head.textContent = q.largestFittingSize > 0 ? `Too large for every worker at ${size} px: the largest size `
      + `that fits is ${q.largestFittingSize} px.` : 'No advertised worker can run this job at any size.';
    const fix = fittingSizeButton(q);
    parts.push(head, ...(fix ? [fix] : []));
  } else {
    const line = estimateLine(q.estimate, '');
    line.className = 'quote-head';
    line.prepend(document.createTextNode('Estimate: '));
    const plan = document.createElement('p');
    plan.id = 'quote-plan';
    plan.className = 'hint';
    plan.textContent = planText(q.estimate);
    parts.push(line, plan);
  }
  const pool = poolOf(q);
  if (pool) {
    const p = document.createElement('p');
    p.className = 'hint';
    p.id = 'quote-pool';
    p.textContent = `Worker pool: ${pool}`;
    parts.push(p);
  }
  if (Array.isArray(q.workerClasses) && q.workerClasses.length) {
    const list = document.createElement('ul');
    list.id = 'quote-classes';
    for (const c of q.workerClasses) {
      const li = document.createElement('li');
      li.className = c.fits ? 'fits' : 'too-small';
      li.textContent = classText(c);
      if (c.reason) {
        li.title = c.reason;
      }
      list.append(li);
    }
    parts.push(list);
  }
  box.replaceChildren(...parts);
  box.classList.remove('pending');
  box.hidden = false;
}

function renderQuoteError(err) {
  const box = $('#quote');
  const inner = document.createElement('div');
  inner.className = 'error';
  inner.id = 'quote-error';
  box.replaceChildren(inner);
  box.classList.remove('pending');
  box.hidden = false;
  showError(err, inner);
}

function fileTag(file) {
  if (!quoting.fileTags.has(file)) {
    quoting.fileTags.set(file, quoting.nextTag++);
  }
  return quoting.fileTags.get(file);
}

/**
 * The picked file's stored image id (POST /v1/images, once per file; the gateway judges the type by the bytes). A
 * refusal speaks of the upload's "image": it is told as the page's own field ("content", "styles[1]").
 */
function storedId(file, field, label) {
  let id = quoting.uploads.get(file);
  if (!id) {
    id = api('/v1/images', { method: 'POST', body: file, headers: { 'Content-Type': 'application/octet-stream' } })
      .then((r) => r.json()).then((b) => b.id, (err) => {
        const p = err.problem || {};
        (p.errors || []).forEach((e) => { e.field = e.field === 'image' ? field : e.field; });
        p.detail = p.detail && p.detail.replace(/^image\b/, label);
        throw err;
      });
    id.catch(() => quoting.uploads.delete(file)); // refused or lost: asked again with the next change
    quoting.uploads.set(file, id);
  }
  return id;
}

/** What the estimate depends on (the content, the styles, size, iterations, optimiser, mode): unchanged, no call. */
function quoteKey() {
  const o = options();
  return JSON.stringify([fileTag(state.content), state.styles.map(fileTag), o.size, o.iterations, o.optimizer,
    o.mode || '']);
}

function scheduleQuote(delay = QUOTE_DELAY_MS) {
  clearTimeout(quoting.timer);
  if (state.content && !fastMode() && quoteKey() !== quoting.shownKey) {
    $('#quote').classList.add('pending'); // at once: the quote on screen no longer answers these choices
  }
  quoting.timer = setTimeout(() => {
    showPrintSize();
    if (!state.content) {
      quoting.seq++;
      quoting.shownKey = null;
      $('#quote').hidden = true;
      return;
    }
    if (fastMode()) {
      quoting.seq++;
      quoting.shownKey = null;
      renderQuote({ note: 'Fast jobs run tiled in bounded memory on any worker: no quote needed.' });
      return;
    }
    const key = quoteKey();
    if (key !== quoting.shownKey) {
      fetchQuote(key);
    } else {
      quoting.seq++; // changed and changed back: the quote shown holds, an answer on its way is for other choices
      $('#quote').classList.remove('pending');
    }
  }, delay);
}

/** While a quote is on its way the last one stays, faded; the first one says it is coming. */
function quotePending() {
  const box = $('#quote');
  if (box.hidden) {
    const p = document.createElement('p');
    p.className = 'hint';
    p.textContent = 'Working out what this job costs…';
    box.replaceChildren(p);
    box.hidden = false;
  }
  box.classList.add('pending');
}

async function fetchQuote(key) {
  const seq = ++quoting.seq;
  const o = options();
  quotePending();
  try {
    const contentId = await storedId(state.content, 'content', 'the content photo');
    // the estimate depends on the content's size and the options, not on the style images: until styles are
    // picked the content stands in for one, so the photo and a size are enough for a quote
    const styleIds = await Promise.all(state.styles.length
      ? state.styles.map((f, i) => storedId(f, `styles[${i}]`, `style image ${i + 1}`)) : [contentId]);
    const body = { content: { sha256: contentId }, styles: styleIds.map((id) => ({ image: { sha256: id } })), options: o };
    const response = await api('/v1/jobs?dryRun=true', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    const q = await response.json();
    if (seq !== quoting.seq) {
      return;
    }
    quoting.shownKey = key;
    renderQuote(q, o.size);
  } catch (err) {
    if (seq !== quoting.seq) {
      return;
    }
    quoting.shownKey = key;
    renderQuoteError(err instanceof ApiError ? err
      : { problem: { title: 'No quote', detail: 'The gateway could not be reached for a quote.' } });
    if (err instanceof ApiError && err.status === 429) {
      quoting.shownKey = null;
      scheduleQuote(1000 * (Number(err.problem.retryAfter) || 5));
    } else if (err instanceof ApiError && err.status === 401) {
      quoting.shownKey = null; // asked again once a key is given
    }
  }
}

// every choice the estimate depends on is a form control or a drop; unchanged choices cost no call
$('#job-form').addEventListener('input', () => scheduleQuote());
$('#job-form').addEventListener('change', () => scheduleQuote());
$('.presets').addEventListener('click', () => scheduleQuote());
for (const zone of ['#content-drop', '#style-drop']) {
  $(zone).addEventListener('drop', () => scheduleQuote());
}
$('#key-form').addEventListener('submit', () => {
  quoting.shownKey = null;
  scheduleQuote(0);
});
