// Submitting a job: the photo, the styles and their masks, and the options, as one multipart POST /v1/jobs.
import { api } from './api.js';
import { $, state } from './dom.js';
import { clearError, showError } from './errors.js';
import { openJob } from './job.js';
import { maskBlob } from './masks.js';
import { fastMode, options } from './options.js';
import { loadRecent } from './recent.js';

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
  $('#submit').disabled = true;
  try {
    const response = await api('/v1/jobs', {
      method: 'POST',
      body: form,
      headers: { 'Idempotency-Key': crypto.randomUUID() },
    });
    const job = await response.json();
    openJob(job);
    loadRecent();
  } catch (err) {
    showError(err);
  } finally {
    $('#submit').disabled = false;
  }
});
