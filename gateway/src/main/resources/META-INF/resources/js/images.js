// Picking and dropping the content photo and the style images.
import { $, state } from './dom.js';
import { clearError } from './errors.js';
import { resetMasks } from './masks.js';

function thumb(file) {
  if (/^image\//.test(file.type)) {
    const img = document.createElement('img');
    img.src = URL.createObjectURL(file);
    img.alt = file.name;
    img.title = file.name;
    return img;
  }
  const span = document.createElement('span');
  span.className = 'file';
  span.textContent = file.name;
  return span;
}

export function loadImage(blob) {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error('not an image'));
    img.src = URL.createObjectURL(blob);
  });
}

function setContent(files) {
  state.content = files[0] || null;
  $('#content-thumb').replaceChildren(...(state.content ? [thumb(state.content)] : []));
  clearError();
  state.contentImage = null;
  if (state.content && /^image\//.test(state.content.type)) {
    loadImage(state.content).then((img) => {
      state.contentImage = img;
      resetMasks();
    }).catch(() => resetMasks());
  } else {
    resetMasks();
  }
}

function setStyles(files) {
  state.styles = Array.from(files);
  $('#style-thumbs').replaceChildren(...state.styles.map(thumb));
  clearError();
  resetMasks();
}

$('#content-input').addEventListener('change', (ev) => setContent(ev.target.files));
$('#style-input').addEventListener('change', (ev) => setStyles(ev.target.files));

for (const [zone, apply] of [['#content-drop', setContent], ['#style-drop', setStyles]]) {
  const el = $(zone);
  el.addEventListener('dragover', (ev) => { ev.preventDefault(); el.classList.add('over'); });
  el.addEventListener('dragleave', () => el.classList.remove('over'));
  el.addEventListener('drop', (ev) => {
    ev.preventDefault();
    el.classList.remove('over');
    if (ev.dataTransfer && ev.dataTransfer.files.length) {
      apply(ev.dataTransfer.files);
    }
  });
}
