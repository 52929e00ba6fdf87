// What scripts/demo.js and bench/run.js need from the harness; scripts/bundle-harness.js bundles
// it with esbuild (well under a second, where a full tsc pass over test/ takes 15-40 s).
export { startCodeServer, installUnpackedExtension, runFolders, codeServerCli, BASE_SETTINGS } from './codeServer';
export { launchBrowser } from './browser';
export { Workbench, launchWorkbench } from './workbench';
export { runExtensionHostTests } from './exthost';
export { createRunDir, REPO_ROOT } from './paths';
export { startFusedServer } from '../../server/server';
export { demoFixtures, compareRecords } from '../../server/generator';
