// The replay page: the step's task type names its replay module (TaskType.ReplayModule), which
// draws the replay into the page's holder from the step's data under data-base.
const root = document.getElementById('replay-root');
const module = await import(root.dataset.module);
await module.replay(root, root.dataset.base);
