// The environments API of the Python extension as @vscode/python-extension reads it
// (getActiveEnvironmentPath, resolveEnvironment, onDidChangeActiveEnvironmentPath), backed by one
// selected path: PYTHON_STANDIN_INTERPRETER at start, then whatever pythonStandin.selectInterpreter
// is given. A test double for the end-to-end tests only (see README.md).
'use strict';

const vscode = require('vscode');

function activate(context) {
  let selected = process.env.PYTHON_STANDIN_INTERPRETER || 'python3';
  const changed = new vscode.EventEmitter();
  const environmentPath = () => ({ id: selected, path: selected });
  context.subscriptions.push(
    changed,
    vscode.commands.registerCommand('pythonStandin.selectInterpreter', (path) => {
      selected = String(path);
      changed.fire({ ...environmentPath(), resource: vscode.workspace.workspaceFolders?.[0] });
    }),
    vscode.commands.registerCommand('python.setInterpreter', async () => {
      const path = await vscode.window.showInputBox({ title: 'Python: Select Interpreter (stand-in)', value: selected });
      if (path) vscode.commands.executeCommand('pythonStandin.selectInterpreter', path);
    }),
  );
  return {
    environments: {
      getActiveEnvironmentPath: () => environmentPath(),
      resolveEnvironment: async (environment) => {
        const path = typeof environment === 'string' ? environment : environment.path;
        return { id: path, path, executable: { uri: vscode.Uri.file(path), bitness: 'Unknown', sysPrefix: '' }, environment: undefined, tools: [], version: undefined };
      },
      onDidChangeActiveEnvironmentPath: changed.event,
    },
  };
}

module.exports = { activate, deactivate() {} };
