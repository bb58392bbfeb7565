// Researcher pages that show live numbers: when the server says an experiment changed, the parts
// marked data-live are fetched again and replaced (and a live report frame is reloaded). No polling.
const script = document.currentScript;
const experiment = script?.dataset.experiment ?? '*';
// The outcome table and the report are computed from every stored event: during a busy study,
// refresh at most every few seconds (the change that arrives in between is shown at the end).
const QUIET_MS = 5000;
let refreshing = false;
let last = 0;
let scheduled = null;

function changed() {
  if (scheduled) return;
  const wait = Math.max(0, last + QUIET_MS - Date.now());
  scheduled = setTimeout(() => { scheduled = null; refresh(); }, wait);
}

async function refresh() {
  if (refreshing) return changed();
  refreshing = true;
  last = Date.now();
  try {
    const frame = document.getElementById('live-report');
    if (frame) frame.contentWindow?.location.reload();
    const parts = document.querySelectorAll('[data-live]');
    if (parts.length === 0) return;
    const page = new DOMParser().parseFromString(await (await fetch(location.href, { credentials: 'same-origin' })).text(), 'text/html');
    for (const part of parts) {
      const fresh = page.getElementById(part.id);
      if (fresh) part.replaceWith(fresh);
    }
    document.getElementById('live-status').textContent = `Updated ${new Date().toLocaleTimeString()}`;
  } finally {
    refreshing = false;
  }
}

const connection = new signalR.HubConnectionBuilder()
  .withUrl('/hubs/researcher')
  .withAutomaticReconnect({ nextRetryDelayInMilliseconds: ctx => Math.min(10000, 500 * 2 ** ctx.previousRetryCount) })
  .build();
connection.on('experimentChanged', () => changed());
connection.onreconnected(() => connection.invoke('Watch', experiment).then(changed));
connection.start().then(() => connection.invoke('Watch', experiment));
