// Instrumentation the browser tests inject into the page (the page itself carries no test hooks): installed with
// page.addInitScript before the page loads, it records into window.__probe what the page sent and received.
//   submits:  the parts of each multipart POST /v1/jobs, as [name, file name or null] (Chromium does not hand file
//             bodies to the driver)
//   events:   each job event the page's event stream delivered, { type, jobId, delay } (delay: ms from the event's
//             "at" to its arrival in the page; "queue" events, which carry no job event, are left out)
//   progress: every value the progress bar's aria-valuenow took, in order

function probe() {
  const recorded = { submits: [], events: [], progress: [] };
  Object.defineProperty(window, '__probe', { value: recorded });

  const eventTime = (iso) => Date.parse(iso.replace(/(\.\d{3})\d+/, '$1'));

  function parseBlock(block) {
    const msg = { event: null, data: '' };
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) {
        continue;
      }
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') {
        msg.event = value;
      } else if (field === 'data') {
        msg.data += (msg.data ? '\n' : '') + value;
      }
    }
    return msg;
  }

  async function readEvents(stream) {
    const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) {
          return;
        }
        const arrived = Date.now();
        buffer += value.replace(/\r\n/g, '\n');
        let cut;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const msg = parseBlock(buffer.slice(0, cut));
          buffer = buffer.slice(cut + 2);
          if (msg.data && msg.event !== 'queue') {
            const ev = JSON.parse(msg.data);
            recorded.events.push({ type: ev.type, jobId: ev.jobId, delay: arrived - eventTime(ev.at) });
          }
        }
      }
    } catch (e) {
      // the page aborted the stream (another job opened)
    }
  }

  const realFetch = window.fetch;
  window.fetch = async function (input, init = {}) {
    const url = typeof input === 'string' ? input : input.url;
    const method = String(init.method || 'GET').toUpperCase();
    if (method === 'POST' && /\/v1\/jobs$/.test(url) && init.body instanceof FormData) {
      recorded.submits.push([...init.body.entries()].map(([k, v]) => [k, v instanceof File ? v.name : null]));
    }
    const response = await realFetch.call(this, input, init);
    if ((response.headers.get('content-type') || '').startsWith('text/event-stream') && response.body) {
      const [mine, theirs] = response.body.tee();
      Object.defineProperty(response, 'body', { value: theirs });
      readEvents(mine);
    }
    return response;
  };

  document.addEventListener('DOMContentLoaded', () => {
    const bar = document.querySelector('#progress');
    if (!bar) {
      return;
    }
    // records come in batches: each one's oldValue is the value before it, the attribute now is the last one's
    new MutationObserver((records) => {
      records.slice(1).forEach((r) => recorded.progress.push(Number(r.oldValue)));
      recorded.progress.push(Number(bar.getAttribute('aria-valuenow')));
    }).observe(bar, { attributes: true, attributeFilter: ['aria-valuenow'], attributeOldValue: true });
  });
}

/** Installs the probe in every document the page loads from now on. */
export async function installProbes(page) {
  await page.addInitScript(probe);
}

/** What the probe recorded so far. */
export function probed(page) {
  return page.evaluate(() => ({
    submits: window.__probe.submits, events: window.__probe.events, progress: window.__probe.progress,
  }));
}

/**
 * Does `action` (a click that submits the job form) and waits for the gateway's answer to the POST /v1/jobs it
 * makes; returns that answer.
 */
export async function submitted(page, action) {
  const answered = page.waitForResponse((r) => new URL(r.url()).pathname === '/v1/jobs'
    && new URL(r.url()).search === '' && r.request().method() === 'POST');
  await action();
  return answered;
}
