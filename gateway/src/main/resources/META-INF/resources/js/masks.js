// Masks: one per style, over the photo; picked as a grey image or painted with the brush.
import { $, state } from './dom.js';
import { loadImage } from './images.js';
import { fastMode } from './options.js';

const MASK_COLOURS = ['#e8590c', '#3b5bdb', '#2b8a3e', '#ae3ec9', '#f59f00', '#0c8599'];

/** Preview size: the photo's aspect ratio, 320 px wide; masks are drawn and sent at this size. */
function maskSize() {
  const img = state.contentImage;
  const w = 320;
  return img ? { w, h: Math.max(1, Math.round((w * img.naturalHeight) / img.naturalWidth)) } : { w, h: 240 };
}

export function resetMasks() {
  state.masks = state.styles.map(() => null);
  const list = $('#mask-list');
  list.replaceChildren(...state.styles.map((style, i) => {
    const li = document.createElement('li');
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    swatch.style.background = MASK_COLOURS[i % MASK_COLOURS.length];
    const label = document.createElement('label');
    label.htmlFor = `mask-input-${i}`;
    label.textContent = `style ${i + 1} (${style.name}): mask`;
    const input = document.createElement('input');
    input.type = 'file';
    input.id = `mask-input-${i}`;
    input.className = 'mask-input';
    input.accept = 'image/png,image/jpeg';
    input.addEventListener('change', () => input.files[0] && useMaskFile(i, input.files[0]));
    const state_ = document.createElement('span');
    state_.className = 'hint';
    state_.id = `mask-state-${i}`;
    state_.textContent = 'everywhere';
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'quiet';
    remove.textContent = 'remove';
    remove.addEventListener('click', () => {
      state.masks[i] = null;
      input.value = '';
      drawMaskOverlay();
    });
    li.append(swatch, label, input, state_, remove);
    return li;
  }));
  $('#brush-style').replaceChildren(...state.styles.map((style, i) => {
    const o = document.createElement('option');
    o.value = String(i);
    o.textContent = `${i + 1}: ${style.name}`;
    return o;
  }));
  showMaskPanel();
  drawMaskOverlay();
}

export function showMaskPanel() {
  $('#masks').hidden = !(state.content && state.styles.length > 0 && !fastMode());
}

function maskCanvas(i) {
  const { w, h } = maskSize();
  if (!state.masks[i]) {
    const canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = h;
    const g = canvas.getContext('2d');
    g.fillStyle = '#000';
    g.fillRect(0, 0, w, h);
    state.masks[i] = { file: null, canvas, painted: false };
  }
  return state.masks[i].canvas;
}

async function useMaskFile(i, file) {
  try {
    const img = await loadImage(file);
    state.masks[i] = null;
    const canvas = maskCanvas(i);
    canvas.getContext('2d').drawImage(img, 0, 0, canvas.width, canvas.height);
    state.masks[i].file = file;
    const ratio = (img.naturalWidth / img.naturalHeight) / (canvas.width / canvas.height);
    $(`#mask-state-${i}`).textContent = Math.max(ratio, 1 / ratio) > 1.1
      ? `${file.name}: not the photo's shape (it will be refused)` : file.name;
  } catch (err) {
    // not decodable here: still sent, so the gateway's answer names the field
    state.masks[i] = { file, canvas: null, painted: false };
    $(`#mask-state-${i}`).textContent = `${file.name} (no preview)`;
  }
  drawMaskOverlay();
}

/** The photo, each style's mask tinted in its colour on top (alpha = the mask's grey level). */
function drawMaskOverlay() {
  const view = $('#mask-preview');
  const { w, h } = maskSize();
  view.width = w;
  view.height = h;
  const g = view.getContext('2d');
  g.clearRect(0, 0, w, h);
  if (state.contentImage) {
    g.drawImage(state.contentImage, 0, 0, w, h);
  }
  state.masks.forEach((m, i) => {
    if (!m || !m.canvas) {
      return;
    }
    const grey = m.canvas.getContext('2d').getImageData(0, 0, w, h);
    const [r, gg, b] = hexRgb(MASK_COLOURS[i % MASK_COLOURS.length]);
    const tint = g.createImageData(w, h);
    for (let p = 0; p < grey.data.length; p += 4) {
      const level = (grey.data[p] * 0.299 + grey.data[p + 1] * 0.587 + grey.data[p + 2] * 0.114) / 255;
      tint.data[p] = r;
      tint.data[p + 1] = gg;
      tint.data[p + 2] = b;
      tint.data[p + 3] = Math.round(level * 150);
    }
    const layer = document.createElement('canvas');
    layer.width = w;
    layer.height = h;
    layer.getContext('2d').putImageData(tint, 0, 0);
    g.drawImage(layer, 0, 0);
  });
}

function hexRgb(hex) {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

// the brush: paints white (or black with "erase") into the selected style's mask
let painting = false;
let overlayQueued = false;
function paintAt(ev) {
  if (!state.styles.length) {
    return;
  }
  const i = Number($('#brush-style').value || 0);
  const view = $('#mask-preview');
  const rect = view.getBoundingClientRect();
  const x = ((ev.clientX - rect.left) / rect.width) * view.width;
  const y = ((ev.clientY - rect.top) / rect.height) * view.height;
  const canvas = maskCanvas(i);
  const g = canvas.getContext('2d');
  g.fillStyle = $('#brush-erase').getAttribute('aria-pressed') === 'true' ? '#000' : '#fff';
  g.beginPath();
  g.arc(x, y, Number($('#brush-size').value) / 2, 0, Math.PI * 2);
  g.fill();
  state.masks[i].painted = true;
  $(`#mask-state-${i}`).textContent = 'painted';
  if (!overlayQueued) {
    overlayQueued = true;
    requestAnimationFrame(() => {
      overlayQueued = false;
      drawMaskOverlay();
    });
  }
}
$('#mask-preview').addEventListener('pointerdown', (ev) => {
  painting = true;
  $('#mask-preview').setPointerCapture(ev.pointerId);
  paintAt(ev);
});
$('#mask-preview').addEventListener('pointermove', (ev) => painting && paintAt(ev));
$('#mask-preview').addEventListener('pointerup', () => { painting = false; });
$('#brush-erase').addEventListener('click', (ev) => {
  const b = ev.currentTarget;
  b.setAttribute('aria-pressed', b.getAttribute('aria-pressed') === 'true' ? 'false' : 'true');
});
$('#brush-clear').addEventListener('click', () => {
  const i = Number($('#brush-style').value || 0);
  state.masks[i] = null;
  const input = $(`#mask-input-${i}`);
  if (input) {
    input.value = '';
  }
  drawMaskOverlay();
});

/** The bytes sent as mask<i>: the picked file as it is, or the painted canvas as PNG. */
export async function maskBlob(i) {
  const m = state.masks[i];
  if (!m) {
    return null;
  }
  if (m.file && !m.painted) {
    return { blob: m.file, name: m.file.name };
  }
  const blob = await new Promise((resolve) => m.canvas.toBlob(resolve, 'image/png'));
  return { blob, name: `mask${i}.png` };
}
