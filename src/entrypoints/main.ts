// What bin/greenlist.js runs. `greenlist worker` goes straight to the worker launcher, whose main
// thread only hosts the worker thread and so loads as little as it can; everything else is the CLI.
if (process.argv[2] === 'worker' && process.argv.length === 3) {
  const { runWorker } = await import('./worker-thread.js');
  await runWorker();
} else {
  await import('./cli.js');
}
