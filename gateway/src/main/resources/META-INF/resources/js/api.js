// HTTP to the gateway's /v1 API: the API key header, and problem+json answers as ApiError.
import { state } from './dom.js';

export function authHeaders() {
  return state.apiKey ? { 'X-Api-Key': state.apiKey } : {};
}

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

async function toError(response) {
  let problem;
  try {
    problem = await response.json();
  } catch (e) {
    problem = { title: `${response.status} ${response.statusText}`, detail: 'The gateway gave no details.' };
  }
  problem.retryAfter = response.headers.get('Retry-After');
  return new ApiError(response.status, problem);
}

export async function api(path, options = {}) {
  const response = await fetch(path, { ...options, headers: { ...authHeaders(), ...(options.headers || {}) } });
  if (!response.ok) {
    throw await toError(response);
  }
  return response;
}

/** An image of the API (fetched with the key) as an object URL an img can show. */
export async function fetchImage(path) {
  const response = await api(path);
  return URL.createObjectURL(await response.blob());
}
