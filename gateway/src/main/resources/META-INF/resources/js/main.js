// IST web page: plain JavaScript modules, no build step. Talks only to the gateway's /v1 API.
// Each module wires its own part of the page when it is loaded; this one starts the page.
import { drawLosses } from './chart.js';
import { keySummary } from './key.js';
import { loadModels, loadOptions, showStrength } from './options.js';
import { loadRecent } from './recent.js';
import './images.js';
import './masks.js';
import './submit.js';
import './job.js';
import './outputs.js';
import './quote.js';

keySummary();
showStrength();
drawLosses([]);
loadRecent();
loadModels();
loadOptions();
