// Messages: problem+json answers in words, the notice line, the request for a key.
import { $ } from './dom.js';
import { fittingSizeButton } from './quote.js';

/** A problem+json answer in words (title, detail, field errors), in the form's error box unless told another. */
export function showError(err, box = $('#error')) {
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

export function clearError() {
  $('#error').hidden = true;
  $('#error').replaceChildren();
}

export function notice(text) {
  const n = $('#notice');
  n.textContent = text || '';
  n.hidden = !text;
}

export function needKey() {
  $('#key-panel').open = true;
  notice('This gateway needs an API key: paste it under “API key” (top right).');
  $('#api-key').focus();
}
