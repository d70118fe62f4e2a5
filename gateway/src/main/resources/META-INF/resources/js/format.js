// Figures in words: durations, byte counts, the gateway's timestamps.
const MIB = 1024 ** 2;
const GIB = 1024 ** 3;

export function duration(seconds) {
  if (seconds < 90) {
    return `${Math.max(1, Math.round(seconds))} s`;
  }
  if (seconds < 5400) {
    return `${Math.round(seconds / 60)} min`;
  }
  return `${(seconds / 3600).toFixed(1)} h`;
}

export function bytesText(n) {
  return n >= GIB ? `${(n / GIB).toFixed(1)} GiB` : `${Math.max(1, Math.round(n / MIB))} MiB`;
}

export function eventTime(iso) {
  // Java writes nanoseconds; Date.parse wants at most milliseconds
  return Date.parse(iso.replace(/(\.\d{3})\d+/, '$1'));
}
