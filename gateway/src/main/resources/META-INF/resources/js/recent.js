// Recent jobs: the latest ten, each with its thumbnail; a click opens one.
import { api, ApiError, fetchImage } from './api.js';
import { $, state } from './dom.js';
import { needKey } from './errors.js';
import { eventTime } from './format.js';
import { openJob } from './job.js';

/** Reads the list again; the list is aria-busy while it is being read. */
export async function loadRecent() {
  const list = $('#recent');
  list.setAttribute('aria-busy', 'true');
  try {
    const response = await api('/v1/jobs?size=10');
    const page = await response.json();
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
  } finally {
    list.setAttribute('aria-busy', 'false');
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
  img.src = url;
}

$('#refresh').addEventListener('click', loadRecent);
