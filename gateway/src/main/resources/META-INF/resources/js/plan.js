// Words for a quote's figures: the tile plan, the worker classes, the estimate line, the print size of the output.
import { $, state } from './dom.js';
import { bytesText, duration } from './format.js';
import { fastMode } from './options.js';

// TilePlan aligns every inner tile edge to the pooling grid of the deepest layer: 16 px for the default layers
const TILE_GRID = 16;
const PRINT_DPI = 300;

/** Tile cores along one side, cut as TilePlan cuts it (a last sliver under one grid cell joins its neighbour). */
function tilesAlong(length, core) {
  let count = 1;
  for (let next = core; next < length && length - next >= TILE_GRID; next += core) {
    count++;
  }
  return count;
}

function levelPlanText(level) {
  if (level.tiles <= 1) {
    return `untiled at ${level.width}×${level.height}`;
  }
  const cols = tilesAlong(level.width, level.tileCore);
  const rows = tilesAlong(level.height, level.tileCore);
  const grid = cols * rows === level.tiles ? `${cols}×${rows}` : `in ${level.tiles} tiles`;
  return `tiled ${grid}, ${level.tileCore} px tiles (+${level.tileHalo} px overlap) at ${level.width}×${level.height}`;
}

/** "tiled 15×9, 528 px tiles (+64 px overlap) at 7680×4320; 3 coarser levels untiled" */
export function planText(estimate) {
  const levels = estimate.levels || [];
  if (!levels.length) {
    return '';
  }
  let text = levelPlanText(levels[levels.length - 1]);
  const coarser = levels.slice(0, -1);
  if (coarser.length) {
    const tiled = coarser.filter((l) => l.tiles > 1).length;
    const n = `${coarser.length} coarser level${coarser.length > 1 ? 's' : ''}`;
    text += tiled === 0 ? `; ${n} untiled` : `; ${n}, ${tiled} of them tiled`;
  }
  return text;
}

/** A figure as a span: its words, and the exact figure they were made from as data-* (seconds, peakBytes). */
function figure(id, text, data) {
  const span = document.createElement('span');
  if (id) {
    span.id = id;
  }
  span.textContent = text;
  Object.assign(span.dataset, data);
  return span;
}

export function estimateLine(estimate, prefix) {
  const p = document.createElement('p');
  p.append(document.createTextNode(prefix),
    figure(`${prefix ? 'job' : 'quote'}-time`, `about ${duration(estimate.seconds)}`, { seconds: estimate.seconds }),
    document.createTextNode(' · '),
    figure(`${prefix ? 'job' : 'quote'}-peak`, `peak ${bytesText(estimate.peakBytes)}`,
      { peakBytes: estimate.peakBytes }));
  return p;
}

export function poolOf(q) {
  return q.pool || (q.estimate && q.estimate.pool) || null;
}

export function classText(c) {
  const w = c.workerClass;
  const pool = w.pool && w.pool !== 'default' ? ` · pool ${w.pool}` : '';
  const head = `${w.device} · ${bytesText(w.memoryBudgetBytes)} budget · ${w.workers} worker${w.workers === 1 ? '' : 's'}`
    + pool;
  return c.fits && c.estimate
    ? `${head}: fits, about ${duration(c.estimate.seconds)}, peak ${bytesText(c.estimate.peakBytes)}`
    : `${head}: ` + (c.largestFittingSize > 0 ? `fits only up to ${c.largestFittingSize} px`
      : 'cannot run this job at any size');
}

/** The output's pixels (the gateway's rounding: JobShape.scaledSize) and what they make at 300 dpi. */
export function showPrintSize() {
  const out = $('#print-size');
  const img = state.contentImage;
  const size = Number($('#size').value);
  if (!img || !(size > 0) || fastMode()) {
    out.textContent = '';
    return;
  }
  const longest = Math.max(img.naturalWidth, img.naturalHeight);
  const scale = size / longest;
  const w = longest === size ? img.naturalWidth : Math.max(1, Math.round(img.naturalWidth * scale));
  const h = longest === size ? img.naturalHeight : Math.max(1, Math.round(img.naturalHeight * scale));
  const cm = (px) => ((px / PRINT_DPI) * 2.54).toFixed(1);
  out.textContent = `${w}×${h} px: ${cm(w)}×${cm(h)} cm (${(w / PRINT_DPI).toFixed(1)}×${(h / PRINT_DPI).toFixed(1)} in)`
    + ` at ${PRINT_DPI} dpi`;
}
