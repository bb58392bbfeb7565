// The browser tests measure timing (latency within a frame, pauses between strokes, map dwell):
// one Chromium at a time keeps a busy two-core machine from stretching what a test scripts.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
