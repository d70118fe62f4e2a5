// The estimate an accepted job (202) carries, shown beside the job (GET /v1/jobs/{id} has none: it is kept here).
import { $ } from './dom.js';
import { estimateLine, planText, poolOf } from './plan.js';

const estimates = new Map(); // job id -> the estimate of its 202, shown again when the job is reopened

/** Beside the job: the estimate of its 202 (kept for this page's life, since GET /v1/jobs/{id} has none). */
export function showJobEstimate(job) {
  if (job.estimate) {
    estimates.set(job.id, { estimate: job.estimate, capacity: job.capacity, pool: poolOf(job) });
  }
  const box = $('#job-estimate');
  const known = estimates.get(job.id);
  if (!known) {
    box.hidden = true;
    box.replaceChildren();
    return;
  }
  const line = estimateLine(known.estimate, 'Estimated run: ');
  const plan = planText(known.estimate);
  const notes = [plan];
  if (known.pool) {
    notes.push(`pool ${known.pool}`);
  }
  if (known.capacity && known.capacity.fleetKnown === false) {
    notes.push('no worker had reported its capacity: a guess from the CPU model');
  }
  const small = document.createElement('small');
  small.id = 'job-plan';
  small.textContent = notes.filter(Boolean).join(' · ');
  box.replaceChildren(...line.childNodes, small);
  box.hidden = false;
}

/** The estimated run of a job submitted from this page (its 202), in seconds; null when unknown. */
export function estimatedSeconds(jobId) {
  const known = estimates.get(jobId);
  return known ? known.estimate.seconds : null;
}
