// The loss chart: total, style and content loss per progress tick, on a log scale (canvas).
import { $ } from './dom.js';

const SERIES = [['total', '#3b5bdb'], ['style', '#e8590c'], ['content', '#2b8a3e']];

/** What the chart shows, in words: the canvas's accessible name (a screen reader cannot read the lines). */
function describe(canvas, points) {
  const last = points[points.length - 1];
  canvas.setAttribute('aria-label', points.length === 0 ? 'loss per iteration (log scale): no points yet'
    : `loss per iteration (log scale): ${points.length} point${points.length === 1 ? '' : 's'}`
      + (last && last.total > 0 ? `, latest total ${last.total.toExponential(2)}` : ''));
}

/** Draws the losses of the job shown (one entry per progress tick: {total, style, content}). */
export function drawLosses(points) {
  const canvas = $('#loss-chart');
  const g = canvas.getContext('2d');
  const w = canvas.width;
  const h = canvas.height;
  const pad = 28;
  g.clearRect(0, 0, w, h);
  g.font = '11px system-ui, sans-serif';
  g.fillStyle = '#6b7385';
  describe(canvas, points);
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
