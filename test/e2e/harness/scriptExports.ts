// What scripts/demo.js and bench/ need from the harness, bundled by esbuild (no tsc pass).
export { startCodeServer, installUnpackedExtension, runFolders, codeServerCli, BASE_SETTINGS } from './codeServer';
export { launchBrowser } from './browser';
export { Workbench } from './workbench';
export { createRunDir, REPO_ROOT } from './paths';
