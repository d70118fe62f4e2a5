// Following a job: its status, queue position and time left, progress, network notice, and its events.
import { api, ApiError } from './api.js';
import { drawLosses } from './chart.js';
import { $, state } from './dom.js';
import { estimatedSeconds, showJobEstimate } from './estimate.js';
import { duration } from './format.js';
import { refreshPreview, showResult } from './outputs.js';
import { loadRecent } from './recent.js';
import { follow } from './stream.js';

/** Shows a job (just submitted, or picked from the recent list) and follows it until it ends. */
export function openJob(job) {
  if (state.stream) {
    state.stream.abort();
  }
  state.jobId = job.id;
  state.losses = [];
  drawLosses(state.losses);
  for (const which of ['preview', 'result']) {
    $('#' + which).hidden = true;
    $('#' + which).removeAttribute('src');
  }
  $('#download').hidden = true;
  showStatus(job.status, job);
  setProgress(job.progress ? job.progress.iteration / job.progress.total : 0, job.progress);
  showJobEstimate(job);
  showJobInfo(job);
  follow(job.id, { onEvent, onQueue: onQueueEvent });
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
}

/** Applies one job event to the page; true when it was the last one. */
function onEvent(ev) {
  if (ev.jobId !== state.jobId) {
    return true;
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
        drawLosses(state.losses);
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
