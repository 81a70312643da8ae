// The Python environment a run uses: which interpreter, which ms-swift and related packages, where the
// `megatron` / `swift` launchers are. Probed by running the interpreter once.
import * as fs from 'fs';
import * as path from 'path';
import { run } from './exec';

export const PROBED_PACKAGES = ['ms-swift', 'megatron-core', 'torch', 'transformers', 'flash-attn', 'flash_attn_3', 'apex', 'transformer-engine', 'transformer_engine', 'tensorboard', 'vllm', 'deep_ep', 'deepspeed', 'mcore-bridge', 'liger-kernel', 'peft'];

const PROBE = `
import json, sys, os, shutil
out = {"python": sys.executable, "prefix": sys.prefix, "version": sys.version.split()[0], "packages": {}}
try:
    from importlib import metadata
    for name in ${JSON.stringify(PROBED_PACKAGES)}:
        try:
            out["packages"][name] = metadata.version(name)
        except Exception:
            pass
except Exception as e:
    out["error"] = str(e)
bindir = os.path.dirname(sys.executable)
for tool in ("megatron", "swift", "tensorboard", "torchrun"):
    p = os.path.join(bindir, tool)
    out.setdefault("tools", {})[tool] = p if os.path.exists(p) else shutil.which(tool)
print(json.dumps(out))
`;

export interface PythonEnv {
  python: string;
  prefix: string;
  version: string;
  packages: Record<string, string>;
  tools: Record<string, string | null>;
}

export type ProbeResult = { ok: true; env: PythonEnv } | { ok: false; reason: string };

export async function probePython(python: string, options: { env?: NodeJS.ProcessEnv; cwd?: string; activation?: string } = {}): Promise<ProbeResult> {
  const { activation, ...rest } = options;
  // with an activation command (conda activate, source venv/bin/activate), probe inside the activated shell
  const r = activation
    ? await run('bash', ['-c', `${activation} >/dev/null 2>&1 || { echo "activation failed" >&2; exit 97; }; exec "$1" -c "$0"`, PROBE, python], { timeoutMs: 30000, ...rest })
    : await run(python, ['-c', PROBE], { timeoutMs: 30000, ...rest });
  if (r.code === 97) return { ok: false, reason: `The activation command "${activation}" failed.` };
  if (r.notFound) return { ok: false, reason: `The Python interpreter "${python}" was not found. Set msSwiftStudio.python.interpreter, or select an interpreter with the Python extension.` };
  if (r.timedOut) return { ok: false, reason: `"${python}" did not answer within 30 s.` };
  if (r.code !== 0) return { ok: false, reason: `"${python}" failed: ${r.stderr.trim().split('\n').pop() ?? ''}` };
  try {
    const v = JSON.parse(r.stdout.trim().split('\n').pop()!) as PythonEnv;
    return { ok: true, env: v };
  } catch {
    return { ok: false, reason: `"${python}" printed something unexpected: ${r.stdout.slice(0, 200)}` };
  }
}

/** What is missing to run a command, in plain words with the command that installs it; undefined when fine. */
export function missingFor(env: PythonEnv, program: 'megatron' | 'swift'): string | undefined {
  if (!env.packages['ms-swift']) return `ms-swift is not installed in ${env.python}. Install it with: ${env.python} -m pip install ms-swift`;
  if (program === 'megatron' && !env.packages['megatron-core'] && !env.packages['ms-swift']?.startsWith('3.')) {
    return `megatron-core is not installed in ${env.python} (Megatron-SWIFT 4 needs it). Install it with: ${env.python} -m pip install "megatron-core>=0.16,<0.20" mcore-bridge`;
  }
  if (!env.tools[program]) return `The \`${program}\` launcher was not found next to ${env.python} or on PATH. Reinstall ms-swift in this environment.`;
  return undefined;
}

/** The interpreter: the setting, else the Python extension's choice, else python3 on PATH. */
export function defaultInterpreter(setting: string | undefined, fromPythonExtension: string | undefined): string {
  if (setting && setting.trim()) return setting.trim();
  if (fromPythonExtension) return fromPythonExtension;
  return process.platform === 'win32' ? 'python' : 'python3';
}

/** A launcher next to the interpreter, when there is one (venv/conda layouts). */
export function launcherNextTo(python: string, program: string): string | undefined {
  const candidate = path.join(path.dirname(python), program);
  return fs.existsSync(candidate) ? candidate : undefined;
}
