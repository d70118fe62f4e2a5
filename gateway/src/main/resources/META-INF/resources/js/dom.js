// The page's shared bits: the element lookup and what the modules share about the job being worked on.
export const $ = (sel) => document.querySelector(sel);

export const KEY_STORAGE = 'ist.apiKey';

export const state = {
  apiKey: localStorage.getItem(KEY_STORAGE) || '',
  content: null,
  styles: [],
  jobId: null,
  stream: null,
  losses: [],
  previewBusy: false,
  previewWanted: false,
  objectUrls: { preview: null, result: null },
  contentImage: null,
  // per style: null, or { file, canvas, painted } (canvas: the grey mask at preview resolution)
  masks: [],
  thumbUrls: new Map(),
};
