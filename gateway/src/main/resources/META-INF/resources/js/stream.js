// The job's event stream: SSE read over fetch (EventSource cannot send the API key header).
import { api, ApiError } from './api.js';
import { state } from './dom.js';
import { showError } from './errors.js';

/**
 * Follows a job's events until the last one, reconnecting with Last-Event-ID. onEvent gets each job event and says
 * whether it was the last; onQueue gets the "queue" events (position and ETA, no id).
 */
export async function follow(jobId, { onEvent, onQueue }) {
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
            onQueue(JSON.parse(message.data)); // no id: Last-Event-ID counts job events only
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
