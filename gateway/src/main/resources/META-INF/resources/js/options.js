// The form's choices: bounds and defaults from GET /v1/options, presets, strength, mode and the model picker.
import { api } from './api.js';
import { $ } from './dom.js';
import { showMaskPanel } from './masks.js';

// GET /v1/options: the form's bounds and defaults are the gateway's (its ist.limits.*), so the page never offers what
// the API refuses. The HTML's values only hold until the answer comes (or when it cannot come).
export async function loadOptions() {
  try {
    applyOptions(await (await api('/v1/options')).json());
  } catch (err) {
    // keep the HTML's values; a missing key is reported by the calls that need one
  }
}

/** The input's min/max from a numeric option; an absent bound is removed (the API does not check it). */
function setBounds(input, spec) {
  const min = spec.minimum ?? spec.exclusiveMinimum;
  const max = spec.maximum ?? spec.exclusiveMaximum;
  for (const [name, value] of [['min', min], ['max', max]]) {
    if (value === undefined || value === null) {
      input.removeAttribute(name);
    } else {
      input.setAttribute(name, String(value));
    }
  }
}

/** A default goes in only where the user has not typed yet (the answer may come after they started). */
function setDefault(input, value) {
  if (value !== undefined && value !== null && !input.dataset.touched) {
    if (input.type === 'checkbox') {
      input.checked = Boolean(value);
    } else {
      input.value = String(value);
    }
  }
}

for (const id of ['#size', '#iterations', '#seed', '#strength', '#preserve-colors', '#optimizer', '#output-format']) {
  $(id).addEventListener('input', (ev) => { ev.currentTarget.dataset.touched = 'yes'; });
}

function applyOptions(o) {
  const n = o.numbers;
  setBounds($('#size'), n.size);
  setBounds($('#iterations'), n.iterations);
  setBounds($('#seed'), n.seed);
  setDefault($('#size'), n.size.default);
  setDefault($('#iterations'), n.iterations.default);
  setDefault($('#seed'), n.seed.default);
  // style strength is log10(styleWeight): the page's 3..7 slider, cut to the weights the API accepts
  const strength = $('#strength');
  const top = Math.log10(n.styleWeight.maximum);
  if (Number(strength.max) > top) {
    strength.max = String(top);
  }
  setDefault(strength, Math.min(top, Math.log10(n.styleWeight.default)));
  showStrength();
  setDefault($('#preserve-colors'), o.switches.preserveColors);
  setDefault($('#optimizer'), o.choices.optimizer.default);
  setDefault($('#output-format'), o.choices.outputFormat.default);
  // a choice this gateway does not know is not offered
  for (const [select, choice] of [['#optimizer', o.choices.optimizer], ['#output-format', o.choices.outputFormat]]) {
    for (const option of $(select).options) {
      option.disabled = !choice.values.includes(option.value);
    }
  }
}

/** A number within the input's min/max (a preset is a page choice; the bounds are the gateway's). */
function clampToInput(input, value) {
  const min = input.min === '' ? -Infinity : Number(input.min);
  const max = input.max === '' ? Infinity : Number(input.max);
  return String(Math.min(max, Math.max(min, Number(value))));
}

for (const id of ['#preset-quick', '#preset-balanced', '#preset-best']) {
  $(id).addEventListener('click', (ev) => {
    const b = ev.currentTarget;
    $('#size').value = clampToInput($('#size'), b.dataset.size);
    $('#iterations').value = clampToInput($('#iterations'), b.dataset.iterations);
    $('#size').dataset.touched = $('#iterations').dataset.touched = 'yes';
    document.querySelectorAll('.presets button').forEach((x) => x.classList.toggle('chosen', x === b));
  });
}

export function strength() {
  return Math.pow(10, Number($('#strength').value));
}

export function showStrength() {
  $('#strength-value').textContent = strength().toExponential(1).replace('+', '');
}
$('#strength').addEventListener('input', showStrength);

export function fastMode() {
  return $('#mode-fast').checked;
}

export function options() {
  const o = {
    size: Number($('#size').value),
    iterations: Number($('#iterations').value),
    styleWeight: strength(),
    preserveColors: $('#preserve-colors').checked,
    seed: Number($('#seed').value || 0),
    optimizer: $('#optimizer').value,
    outputFormat: $('#output-format').value,
  };
  if (fastMode()) {
    o.mode = 'FAST';
    o.model = $('#model').value;
  }
  return o;
}

// the model picker: house styles from GET /v1/models, used by Fast mode
export async function loadModels() {
  try {
    const { models } = await (await api('/v1/models')).json();
    const select = $('#model');
    select.replaceChildren(...(models.length ? models : [{ name: '', description: 'no models' }]).map((m) => {
      const option = document.createElement('option');
      option.value = m.name;
      option.textContent = m.name ? m.name + (m.description ? ' — ' + m.description : '') : m.description;
      return option;
    }));
    select.disabled = !fastMode() || models.length === 0;
  } catch (err) {
    // no key yet, or the gateway is starting: the picker stays empty
  }
}
for (const id of ['#mode-optimize', '#mode-fast']) {
  $(id).addEventListener('change', () => {
    $('#model').disabled = !fastMode() || !$('#model').value;
    $('#style-drop').classList.toggle('unused', fastMode());
    showMaskPanel();
  });
}
