// What a job made: its latest preview, its result and the download link; cancelling it.
import { api, fetchImage } from './api.js';
import { $, state } from './dom.js';
import { showError } from './errors.js';

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
export async function refreshPreview() {
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

export async function showResult() {
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
