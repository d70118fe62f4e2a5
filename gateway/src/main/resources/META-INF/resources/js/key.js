// The API key: kept in this browser's localStorage, sent as X-Api-Key.
import { $, KEY_STORAGE, state } from './dom.js';
import { notice } from './errors.js';
import { loadModels, loadOptions } from './options.js';
import { loadRecent } from './recent.js';

export function keySummary() {
  $('#key-summary').textContent = state.apiKey ? 'API key ✓' : 'API key';
}

$('#key-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  state.apiKey = $('#api-key').value.trim();
  if (state.apiKey) {
    localStorage.setItem(KEY_STORAGE, state.apiKey);
  } else {
    localStorage.removeItem(KEY_STORAGE);
  }
  $('#api-key').value = '';
  $('#key-panel').open = false;
  keySummary();
  notice('');
  loadRecent();
  loadModels();
  loadOptions();
});

$('#forget-key').addEventListener('click', () => {
  state.apiKey = '';
  localStorage.removeItem(KEY_STORAGE);
  keySummary();
});
