// Researcher pages that show live numbers: when the server says an experiment changed, the parts
// marked data-live are fetched again and replaced (and a live report frame is reloaded). No polling.
const script = document.currentScript;
const experiment = script?.dataset.experiment ?? '*';
let refreshing = false;

async function refresh() {
  if (refreshing) return;
  refreshing = true;
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
connection.on('experimentChanged', () => refresh());
connection.onreconnected(() => connection.invoke('Watch', experiment).then(refresh));
connection.start().then(() => connection.invoke('Watch', experiment));
