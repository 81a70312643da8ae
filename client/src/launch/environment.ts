// The Python environment for runs in this workspace: the interpreter (setting, else the Python extension's
// active interpreter, else python3), an optional activation command, and what the probe found (cached).
import * as vscode from 'vscode';
import { defaultInterpreter, probePython, ProbeResult } from '../host/python';

interface PythonExtensionApi {
  environments?: { getActiveEnvironmentPath(resource?: vscode.Uri): { path: string } | undefined };
}

export class PythonEnvironments {
  private cache = new Map<string, { at: number; result: ProbeResult }>();

  /** the Python extension's active interpreter for a resource, when the extension is installed */
  async pythonExtensionInterpreter(resource?: vscode.Uri): Promise<string | undefined> {
    const ext = vscode.extensions.getExtension<PythonExtensionApi>('ms-python.python');
    if (!ext) return undefined;
    try {
      const api = ext.isActive ? ext.exports : await ext.activate();
      const p = api?.environments?.getActiveEnvironmentPath(resource)?.path;
      return p && p !== 'python' ? p : undefined;
    } catch {
      return undefined;
    }
  }

  async interpreter(resource?: vscode.Uri): Promise<string> {
    const setting = vscode.workspace.getConfiguration('msSwiftStudio', resource).get<string>('python.interpreter');
    return defaultInterpreter(setting, await this.pythonExtensionInterpreter(resource));
  }

  activation(resource?: vscode.Uri): string | undefined {
    const a = vscode.workspace.getConfiguration('msSwiftStudio', resource).get<string>('python.activationCommand');
    return a && a.trim() ? a.trim() : undefined;
  }

  async probe(resource?: vscode.Uri, force = false): Promise<{ python: string; result: ProbeResult }> {
    const activation = this.activation(resource);
    // after an activation command, `python` is the environment's own interpreter unless one is set explicitly
    const python = activation && !vscode.workspace.getConfiguration('msSwiftStudio', resource).get<string>('python.interpreter') ? 'python' : await this.interpreter(resource);
    const key = `${activation ?? ''}\u0000${python}`;
    const hit = this.cache.get(key);
    if (!force && hit && Date.now() - hit.at < 5 * 60_000) return { python, result: hit.result };
    const result = await probePython(python, activation ? { activation } : {});
    this.cache.set(key, { at: Date.now(), result });
    return { python, result };
  }

  forget(): void {
    this.cache.clear();
  }
}
