// One-click Train / Export / Infer: builds the exact command in the core, checks the workspace, the config, the
// Python environment and the GPUs, and runs it in an integrated terminal — detached in tmux when available, so
// that the run survives a closed window or a dropped SSH link and can be reattached.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { parseConfig } from '../../../core/src/config/parse';
import { ConfigContext, isCommandName, nearestKnownVersion, resolveContext } from '../../../core/src/config/context';
import { buildCommand, CommandBuildError, LaunchCommand, LaunchMode } from '../../../core/src/launch/command';
import { multiNodeCommands } from '../../../core/src/launch/multinode';
import { commandLine, shellKindOf } from '../../../core/src/launch/shell';
import { describeGpu, GpuInfo } from '../../../core/src/launch/gpus';
import { newestCheckpoint } from '../../../core/src/launch/checkpoints';
import { latestVersionFolder } from '../../../core/src/metrics/discovery';
import { buildExportCommand, buildInferCommand, ExportDirection } from '../../../core/src/launch/convert';
import { nodeFileView } from '../../../core/src/files';
import { CommandName } from '../../../core/src/catalog/schema';
import { checkText, RuleSetting } from '../../../core/src/check';
import { pyStr } from '../../../core/src/config/pyyaml';
import { queryGpus } from '../host/gpus';
import { missingFor, PythonEnv } from '../host/python';
import { RunKind, RunRecord, RunStore } from '../host/runs';
import { Tmux } from '../host/tmux';
import { PythonEnvironments } from './environment';
import { Failure } from '../../../core/src/metrics';
import { failureDiagnostics } from '../views/failures';
import { failuresOf } from '../host/failures';

const LANGUAGE_ID = 'ms-swift-yaml';
const GPU_STATE_KEY = 'msSwiftStudio.gpus';

export interface LaunchResult {
  run: RunRecord;
  terminal: vscode.Terminal;
}

/** What a launch would run (for Show Command, the CodeLens and tests). */
export interface PlannedLaunch {
  uri: vscode.Uri;
  context: ConfigContext;
  command: LaunchCommand;
  /** one per node for multi-node configs */
  nodes: Array<{ nodeRank: number; command: LaunchCommand }>;
  gpusFromConfig: boolean;
}

export class Launcher implements vscode.Disposable {
  readonly envs = new PythonEnvironments();
  readonly tmux = new Tmux();
  readonly store: RunStore;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly watchers = new Map<string, NodeJS.Timeout>();
  /** runs the user stopped: their end is not a failure */
  private readonly stopped = new Set<string>();
  private readonly terminals = new Map<string, vscode.Terminal>();
  private readonly onDidChangeRunsEmitter = new vscode.EventEmitter<void>();
  /** diagnostics put on configs by failed runs */
  readonly runDiagnostics = vscode.languages.createDiagnosticCollection('ms-swift-run');
  readonly onDidChangeRuns = this.onDidChangeRunsEmitter.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly output: vscode.OutputChannel,
  ) {
    this.store = new RunStore(path.join(context.globalStorageUri.fsPath, 'runs'));
  }

  dispose(): void {
    for (const t of this.watchers.values()) clearInterval(t);
    this.runDiagnostics.dispose();
    this.disposables.forEach((d) => d.dispose());
    this.onDidChangeRunsEmitter.dispose();
  }

  // ---- planning -------------------------------------------------------------------------------------------

  private workspaceFolderOf(uri: vscode.Uri): string {
    return vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath ?? path.dirname(uri.fsPath);
  }

  /** The config's command and version, with the settings as fallbacks (as the language server does). */
  contextFor(uri: vscode.Uri, text: string, detectedVersion?: string): ConfigContext {
    const cfg = vscode.workspace.getConfiguration('msSwiftStudio', uri);
    const command = cfg.get<string>('defaultCommand');
    const version = cfg.get<string>('msSwiftVersion') || detectedVersion;
    const settings: { command?: CommandName; version?: string } = {};
    if (command && isCommandName(command)) settings.command = command;
    if (version) settings.version = version;
    return resolveContext(parseConfig(text), { settings });
  }

  /** GPUs remembered for this workspace */
  rememberedGpus(): number[] | undefined {
    const v = this.context.workspaceState.get<number[]>(GPU_STATE_KEY);
    return Array.isArray(v) && v.length ? v : undefined;
  }

  async plan(uri: vscode.Uri, options: { gpus?: number[]; detectedVersion?: string } = {}): Promise<PlannedLaunch> {
    const text = (await vscode.workspace.openTextDocument(uri)).getText();
    const doc = parseConfig(text);
    const context = this.contextFor(uri, text, options.detectedVersion);
    const cwd = this.workspaceFolderOf(uri);
    const cfgEnv = new Set(doc.envVars.map((v) => v.key));
    const gpusFromConfig = cfgEnv.has('CUDA_VISIBLE_DEVICES') || cfgEnv.has('NPROC_PER_NODE');
    const mode = vscode.workspace.getConfiguration('msSwiftStudio', uri).get<LaunchMode>('launch.mode', 'auto');
    const gpus = gpusFromConfig ? undefined : (options.gpus ?? this.rememberedGpus());
    const base = { configPath: path.relative(cwd, uri.fsPath) || path.basename(uri.fsPath), cwd, mode, ...(gpus ? { gpus } : {}) };
    const command = buildCommand(doc, context, base);
    const nodes = multiNodeCommands(doc, context, base).map((n) => ({ nodeRank: n.nodeRank, command: n.command }));
    return { uri, context, command, nodes, gpusFromConfig };
  }

  /** "Train on 2 GPUs" for the CodeLens, without running anything. */
  gpuCountLabel(uri: vscode.Uri, text: string): string {
    const doc = parseConfig(text);
    const nproc = doc.envVars.find((v) => v.key === 'NPROC_PER_NODE');
    const nnodes = doc.envVars.find((v) => v.key === 'NNODES');
    const n = nproc?.py ? pyStr(nproc.py) : undefined;
    const nodes = nnodes?.py ? Number(pyStr(nnodes.py)) : 1;
    if (n && /^\d+$/.test(n)) return nodes > 1 ? `${nodes} × ${n} GPUs` : `${n} GPU${n === '1' ? '' : 's'}`;
    const devices = doc.envVars.find((v) => v.key === 'CUDA_VISIBLE_DEVICES');
    if (devices?.py) return `${pyStr(devices.py).split(',').filter(Boolean).length} GPUs`;
    const remembered = this.rememberedGpus();
    void uri;
    return remembered ? `${remembered.length} GPU${remembered.length === 1 ? '' : 's'}` : 'choose GPUs';
  }

  // ---- guards ---------------------------------------------------------------------------------------------

  private refuseUntrusted(): boolean {
    if (vscode.workspace.isTrusted) return false;
    void vscode.window.showErrorMessage(
      'Runs are not started in an untrusted workspace: they execute programs (megatron, swift, python) from this workspace. Trust the workspace first (Workspaces: Manage Workspace Trust).',
    );
    return true;
  }

  /** true when the user wants to go on despite errors in the config */
  private async acceptErrors(uri: vscode.Uri): Promise<boolean> {
    // the same checks as the language server, run here: the config may not be open (explorer menu), so the
    // server may not have published anything yet
    const text = (await vscode.workspace.openTextDocument(uri)).getText();
    const cfg = vscode.workspace.getConfiguration('msSwiftStudio', uri);
    const rules = cfg.get<Record<string, RuleSetting>>('rules') ?? {};
    const context = this.contextFor(uri, text);
    const result = checkText(text, { command: context.command, version: context.version, rules, files: nodeFileView(), baseDir: this.workspaceFolderOf(uri), hostEnv: { HOME: process.env.HOME } });
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    if (!errors.length) return true;
    const first = errors[0]!;
    const choice = await vscode.window.showWarningMessage(
      `The config has ${errors.length} error${errors.length === 1 ? '' : 's'} that ms-swift would stop on (line ${first.range.start.line + 1}: ${first.message.split('. ')[0]}).`,
      { modal: true },
      'Launch anyway',
    );
    return choice === 'Launch anyway';
  }

  private async environment(uri: vscode.Uri, program: 'megatron' | 'swift'): Promise<PythonEnv | undefined> {
    const { python, result } = await this.envs.probe(uri);
    if (!result.ok) {
      const pick = await vscode.window.showErrorMessage(result.reason, 'Set interpreter', 'Launch anyway');
      if (pick === 'Set interpreter') void vscode.commands.executeCommand('workbench.action.openSettings', 'msSwiftStudio.python');
      if (pick !== 'Launch anyway') throw new Cancelled();
      return undefined;
    }
    const missing = missingFor(result.env, program);
    if (missing) {
      const pick = await vscode.window.showErrorMessage(missing, 'Launch anyway');
      if (pick !== 'Launch anyway') throw new Cancelled();
    }
    this.output.appendLine(`Python: ${python} (ms-swift ${result.env.packages['ms-swift'] ?? 'not installed'}, megatron-core ${result.env.packages['megatron-core'] ?? '—'})`);
    return result.env;
  }

  async pickGpus(force = false): Promise<number[] | undefined> {
    const remembered = this.rememberedGpus();
    if (remembered && !force) return remembered;
    const q = await queryGpus();
    if (!q.ok) {
      void vscode.window.showErrorMessage(`No GPU to run on: ${q.reason}`);
      return undefined;
    }
    const items = q.gpus.map((g: GpuInfo) => ({ label: describeGpu(g), picked: remembered ? remembered.includes(g.index) : g.memoryUsed < 1024, index: g.index }));
    const chosen = await vscode.window.showQuickPick(items, { canPickMany: true, title: 'GPUs for runs in this workspace', placeHolder: 'The choice is remembered for this workspace' });
    if (!chosen || !chosen.length) return undefined;
    const gpus = chosen.map((c) => c.index).sort((a, b) => a - b);
    await this.context.workspaceState.update(GPU_STATE_KEY, gpus);
    return gpus;
  }

  // ---- launching ------------------------------------------------------------------------------------------

  private detached(uri?: vscode.Uri): Promise<boolean> {
    const setting = vscode.workspace.getConfiguration('msSwiftStudio', uri).get<string>('launch.detached', 'auto');
    if (setting === 'off') return Promise.resolve(false);
    return this.tmux.available().then((ok) => {
      if (!ok && setting === 'on') void vscode.window.showWarningMessage('msSwiftStudio.launch.detached is on, but tmux is not installed on this machine: the run starts in a plain terminal and ends when the window closes.');
      return ok;
    });
  }

  /** Replaces `megatron` / `swift` with the launcher of the probed environment when there is no activation command. */
  private resolveProgram(command: LaunchCommand, env: PythonEnv | undefined, uri: vscode.Uri): LaunchCommand {
    if (!env || this.envs.activation(uri)) return command;
    const tool = env.tools[command.argv[0]!];
    return tool ? { ...command, argv: [tool, ...command.argv.slice(1)] } : command;
  }

  async launch(kind: RunKind, name: string, uri: vscode.Uri | undefined, command: LaunchCommand, extra: Partial<RunRecord> = {}): Promise<LaunchResult> {
    const id = this.store.newId(name);
    // the log goes next to the run's results when its output folder is known, else to the extension's storage
    let logDir = path.join(this.store.dir, 'logs');
    if (extra.outputDir) {
      try {
        fs.mkdirSync(extra.outputDir, { recursive: true });
        logDir = extra.outputDir;
      } catch {
        /* not writable: keep the storage folder */
      }
    }
    fs.mkdirSync(logDir, { recursive: true });
    const logFile = path.join(logDir, `ms-swift-studio-${id}.log`);
    const exitFile = path.join(logDir, `ms-swift-studio-${id}.exit`);
    const activation = uri ? this.envs.activation(uri) : undefined;
    const detached = kind !== 'infer' && (await this.detached(uri));
    let terminal: vscode.Terminal;
    let shownLine: string;
    let session: string | undefined;
    if (detached) {
      // tmux turns '.' and ':' in session names into '_': use only characters it keeps
      session = `mss-${id}`.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80);
      shownLine = commandLine('bash', command.argv, command.env);
      await this.tmux.start({ session, cwd: command.cwd, commandLine: shownLine, logFile, exitFile, ...(activation ? { activation } : {}) });
      const [file, ...args] = this.tmux.attachArgv(session);
      terminal = vscode.window.createTerminal({ name: `ms-swift: ${name}`, shellPath: file!, shellArgs: args, cwd: command.cwd, iconPath: new vscode.ThemeIcon('rocket') });
    } else {
      const shell = shellKindOf(vscode.env.shell);
      shownLine = commandLine(shell, command.argv, command.env);
      terminal = vscode.window.createTerminal({ name: `ms-swift: ${name}`, cwd: command.cwd, iconPath: new vscode.ThemeIcon('rocket') });
      if (activation) terminal.sendText(activation, true);
      terminal.sendText(shownLine, true);
    }
    terminal.show();
    const run: RunRecord = { id, name, kind, command, commandLine: shownLine, startedAt: new Date().toISOString(), logFile, exitFile, ...(session ? { session } : {}), ...(uri ? { configPath: uri.fsPath } : {}), ...extra };
    this.store.save(run);
    this.terminals.set(id, terminal);
    this.output.appendLine(`[${run.startedAt}] ${kind} ${name}${session ? ` (tmux session ${session})` : ''}\n  cd ${command.cwd}\n  ${shownLine}`);
    if (session) this.watch(run);
    this.onDidChangeRunsEmitter.fire();
    return { run, terminal };
  }

  /** Notifies once when a detached run ends. */
  private watch(run: RunRecord): void {
    if (this.watchers.has(run.id)) return;
    const t = setInterval(() => {
      const code = this.store.exitCodeOf(run);
      if (code === undefined) return;
      clearInterval(t);
      this.watchers.delete(run.id);
      const r = this.store.get(run.id) ?? run;
      r.endedAt = new Date().toISOString();
      r.exitCode = code;
      this.store.save(r);
      this.onDidChangeRunsEmitter.fire();
      const ok = code === 0;
      if (this.stopped.has(run.id)) return;
      if (ok) {
        void vscode.window.showInformationMessage(`ms-swift run "${run.name}" finished.`, 'Open log').then((c) => {
          if (c === 'Open log') void vscode.window.showTextDocument(vscode.Uri.file(run.logFile));
        });
        return;
      }
      void this.reportFailure(r, code);
    }, 5000);
    this.watchers.set(run.id, t);
  }

  /** Says why a run failed (from its log) and marks the config line that caused it. */
  async reportFailure(run: RunRecord, code: number | null): Promise<Failure[]> {
    const failures = failuresOf(run.logFile);
    const first = failures.find((f) => f.kind !== 'child-failed') ?? failures[0];
    const reason = first ? first.summary : `exit status ${code}`;
    if (run.configPath && failures.length) {
      try {
        const uri = vscode.Uri.file(run.configPath);
        const text = (await vscode.workspace.openTextDocument(uri)).getText();
        this.runDiagnostics.set(uri, failureDiagnostics(text, failures.filter((f) => f.kind !== 'child-failed')));
      } catch {
        /* the config is gone */
      }
    }
    this.output.appendLine(`Run "${run.name}" failed (exit status ${code}):\n${failures.map((f) => `  - ${f.summary}`).join('\n')}`);
    const actions = run.configPath && failures.length ? ['Show in config', 'Open log'] : ['Open log'];
    void vscode.window.showErrorMessage(`ms-swift run "${run.name}" failed: ${reason}`, ...actions).then((c) => {
      if (c === 'Open log') void vscode.window.showTextDocument(vscode.Uri.file(run.logFile));
      if (c === 'Show in config' && run.configPath) void vscode.window.showTextDocument(vscode.Uri.file(run.configPath));
    });
    return failures;
  }

  async train(uri?: vscode.Uri): Promise<LaunchResult | undefined> {
    try {
      uri = await this.configUri(uri);
      if (!uri || this.refuseUntrusted()) return undefined;
      const doc = await vscode.workspace.openTextDocument(uri);
      if (doc.isDirty) await doc.save(); // ms-swift 4 reads the file from disk
      if (!(await this.acceptErrors(uri))) return undefined;
      const context = this.contextFor(uri, doc.getText());
      const program = context.command.startsWith('megatron') ? 'megatron' : 'swift';
      const env = await this.environment(uri, program);
      const detectedVersion = env?.packages['ms-swift'];
      if (detectedVersion) this.noteVersion(detectedVersion, context);
      let plan = await this.plan(uri, detectedVersion ? { detectedVersion } : {});
      if (!plan.gpusFromConfig && program === 'megatron' && !this.rememberedGpus()) {
        const gpus = await this.pickGpus(true);
        if (!gpus) return undefined;
        plan = await this.plan(uri, { gpus, ...(detectedVersion ? { detectedVersion } : {}) });
      }
      const command = this.resolveProgram(plan.command, env, uri);
      const outputDir = this.outputDirOf(doc.getText());
      return await this.launch('train', path.basename(uri.fsPath).replace(/\.(ya?ml)$/, ''), uri, command, outputDir ? { outputDir: path.resolve(command.cwd, outputDir) } : {});
    } catch (e) {
      return this.fail(e);
    }
  }

  private noteVersion(detected: string, context: ConfigContext): void {
    const near = nearestKnownVersion(detected);
    if (!near) return;
    if (!near.exact) this.output.appendLine(`ms-swift ${detected} is not a version with a bundled catalog; using ${near.version}.`);
    if (near.version !== context.version && context.versionFrom !== 'default') {
      void vscode.window.showWarningMessage(`This config is checked as ms-swift ${context.version}, but the environment has ms-swift ${detected}.`);
    }
  }

  private outputDirOf(text: string): string | undefined {
    const doc = parseConfig(text);
    const e = doc.entries.find((x) => x.key === 'output_dir' || x.key === 'save');
    return e?.py && e.py.t === 'str' ? e.py.v : undefined;
  }

  private async configUri(uri?: vscode.Uri): Promise<vscode.Uri | undefined> {
    if (uri instanceof vscode.Uri) return uri;
    const editor = vscode.window.activeTextEditor;
    if (editor && editor.document.languageId === LANGUAGE_ID) return editor.document.uri;
    void vscode.window.showInformationMessage('Open an ms-swift config (a *.megatron.yaml file, or YAML with a `# megatron sft` first line) first.');
    return undefined;
  }

  async showCommand(uri?: vscode.Uri): Promise<string | undefined> {
    try {
      uri = await this.configUri(uri);
      if (!uri) return undefined;
      const plan = await this.plan(uri);
      const shell = shellKindOf(vscode.env.shell);
      const comment = shell === 'cmd' ? 'REM' : '#';
      const parts = [`${comment} ${plan.context.command} on ms-swift ${plan.context.version}, run in ${plan.command.cwd}`];
      if (plan.nodes.length > 1) for (const n of plan.nodes) parts.push(`${comment} node ${n.nodeRank} of ${plan.nodes.length}`, commandLine(shell, n.command.argv, n.command.env));
      else parts.push(commandLine(shell, plan.command.argv, plan.command.env));
      const text = parts.join('\n') + '\n';
      const doc = await vscode.workspace.openTextDocument({ language: shell === 'pwsh' ? 'powershell' : shell === 'cmd' ? 'bat' : 'shellscript', content: text });
      await vscode.window.showTextDocument(doc, { preview: true });
      return text;
    } catch (e) {
      this.fail(e);
      return undefined;
    }
  }

  async exportCheckpoint(target?: vscode.Uri): Promise<LaunchResult | undefined> {
    try {
      if (this.refuseUntrusted()) return undefined;
      const editorUri = vscode.window.activeTextEditor?.document.languageId === LANGUAGE_ID ? vscode.window.activeTextEditor.document.uri : undefined;
      const configText = editorUri ? vscode.window.activeTextEditor!.document.getText() : '';
      const cwd = target ? this.workspaceFolderOf(target) : editorUri ? this.workspaceFolderOf(editorUri) : vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
      if (!cwd) return undefined;
      const context = editorUri ? this.contextFor(editorUri, configText) : undefined;
      const version = context?.version ?? '4.5.2';
      const doc = parseConfig(configText);
      const value = (k: string) => {
        const e = doc.entries.find((x) => x.key === k);
        return e?.py && e.py.t === 'str' ? e.py.v : undefined;
      };
      const directions: Array<{ label: string; detail: string; direction: ExportDirection }> = [
        { label: 'Megatron → Hugging Face', detail: 'swift export --to_hf true: a trained Megatron checkpoint to safetensors', direction: 'to-hf' },
        { label: 'Hugging Face → Megatron', detail: 'swift export --to_mcore true: weights for Megatron training', direction: 'to-mcore' },
      ];
      if (!version.startsWith('3.')) directions.push({ label: 'Megatron → Hugging Face with `megatron export`', detail: 'ms-swift 4: the Megatron-side exporter (can run with several GPUs)', direction: 'megatron-export-to-hf' });
      const dir = await vscode.window.showQuickPick(directions, { title: 'Export a checkpoint' });
      if (!dir) return undefined;
      const files = nodeFileView();
      const outputDir = value('output_dir') ?? value('save');
      let defaultSource = target?.fsPath;
      if (!defaultSource && dir.direction !== 'to-mcore' && outputDir) {
        const run = latestVersionFolder(path.resolve(cwd, outputDir), files);
        defaultSource = run?.path ?? newestCheckpoint(files, path.resolve(cwd, outputDir), ['mcore'])?.path;
      }
      if (!defaultSource && dir.direction === 'to-mcore') defaultSource = value('model');
      const source = await vscode.window.showInputBox({ title: 'Source', prompt: dir.direction === 'to-mcore' ? 'Hugging Face model id or folder' : 'Megatron checkpoint folder', value: defaultSource ? path.relative(cwd, defaultSource) || defaultSource : '' });
      if (!source) return undefined;
      const suffix = dir.direction === 'to-mcore' ? '-mcore' : '-hf';
      const out = await vscode.window.showInputBox({ title: 'Target folder', value: `${source.replace(/\/+$/, '').split('/').pop()}${suffix}` });
      if (!out) return undefined;
      const dtypeDefault = value('torch_dtype') ?? 'bfloat16';
      const dtype = await vscode.window.showQuickPick(['bfloat16', 'float16', 'float32'].sort((a) => (a === dtypeDefault ? -1 : 1)), { title: 'dtype of the exported weights' });
      if (!dtype) return undefined;
      const gpus = this.rememberedGpus();
      const env: Record<string, string> = { CUDA_VISIBLE_DEVICES: String(gpus?.[0] ?? 0) };
      const command = buildExportCommand({ direction: dir.direction, source, target: out, dtype: dtype as 'bfloat16', version, cwd, env });
      const probe = (await this.envs.probe(editorUri)).result;
      return await this.launch('export', `export ${path.basename(out)}`, editorUri, this.resolveProgram(command, probe.ok ? probe.env : undefined, editorUri ?? vscode.Uri.file(cwd)));
    } catch (e) {
      return this.fail(e);
    }
  }

  async infer(target?: vscode.Uri): Promise<LaunchResult | undefined> {
    try {
      if (this.refuseUntrusted()) return undefined;
      const cwd = target ? this.workspaceFolderOf(target) : vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
      if (!cwd) return undefined;
      const files = nodeFileView();
      let defaultModel = target?.fsPath;
      if (target && files.isDirectory(target.fsPath) && !files.exists(path.join(target.fsPath, 'config.json')) && !files.exists(path.join(target.fsPath, 'adapter_config.json'))) {
        defaultModel = newestCheckpoint(files, target.fsPath, ['hf', 'lora'])?.path ?? target.fsPath;
      }
      const model = await vscode.window.showInputBox({ title: 'Checkpoint to chat with', prompt: 'A Hugging Face folder (checkpoint-N or an exported -hf folder), a LoRA adapter folder, or a model id', value: defaultModel ? path.relative(cwd, defaultModel) || defaultModel : '' });
      if (!model) return undefined;
      const full = path.resolve(cwd, model);
      let request: Parameters<typeof buildInferCommand>[0] = { model, cwd, env: { CUDA_VISIBLE_DEVICES: String(this.rememberedGpus()?.[0] ?? 0) } };
      if (files.exists(path.join(full, 'adapter_config.json'))) {
        const args = files.readText(path.join(full, '..', 'args.json')) ?? files.readText(path.join(full, 'args.json'));
        let base: string | undefined;
        try {
          base = args ? (JSON.parse(args) as { model?: string }).model : undefined;
        } catch {
          base = undefined;
        }
        const b = await vscode.window.showInputBox({ title: 'Base model of this LoRA adapter', value: base ?? '' });
        if (!b) return undefined;
        request = { ...request, model: b, adapters: model };
      }
      const probe = (await this.envs.probe(target)).result;
      const command = this.resolveProgram(buildInferCommand(request), probe.ok ? probe.env : undefined, target ?? vscode.Uri.file(cwd));
      return await this.launch('infer', `infer ${path.basename(model)}`, target, command);
    } catch (e) {
      return this.fail(e);
    }
  }

  /** runs whose tmux session still exists */
  async runningRuns(): Promise<RunRecord[]> {
    const sessions = new Set(await this.tmux.sessions());
    return this.store.list().filter((r) => r.session && sessions.has(r.session) && this.store.exitCodeOf(r) === undefined);
  }

  async stop(runId?: string): Promise<void> {
    const running = await this.runningRuns();
    let run = running.find((r) => r.id === runId);
    if (!run) {
      if (!running.length) {
        void vscode.window.showInformationMessage('No ms-swift run is running.');
        return;
      }
      const pick = await vscode.window.showQuickPick(running.map((r) => ({ label: r.name, description: r.startedAt, run: r })), { title: 'Stop which run?' });
      run = pick?.run;
    }
    if (!run?.session) return;
    this.stopped.add(run.id);
    const how = await this.tmux.stop(run.session, run.exitFile, (p) => fs.existsSync(p));
    void vscode.window.showInformationMessage(how === 'killed' ? `"${run.name}" did not stop on Ctrl-C and was killed.` : `"${run.name}" was stopped.`);
    this.onDidChangeRunsEmitter.fire();
  }

  /** Attaches terminals to runs that are still going (after a reload or a dropped connection). */
  async reattach(all = false): Promise<number> {
    const running = await this.runningRuns();
    let n = 0;
    for (const r of running) {
      const existing = this.terminals.get(r.id);
      if (existing && vscode.window.terminals.includes(existing)) continue;
      if (!all) {
        this.watch(r);
        continue;
      }
      const [file, ...args] = this.tmux.attachArgv(r.session!);
      const t = vscode.window.createTerminal({ name: `ms-swift: ${r.name}`, shellPath: file!, shellArgs: args, cwd: r.command.cwd, iconPath: new vscode.ThemeIcon('rocket') });
      this.terminals.set(r.id, t);
      this.watch(r);
      n++;
    }
    return all ? n : running.length;
  }

  private fail(e: unknown): undefined {
    if (e instanceof Cancelled) return undefined;
    const msg = e instanceof CommandBuildError ? `Cannot build the command: ${e.message}` : `ms-swift Studio: ${e instanceof Error ? e.message : String(e)}`;
    this.output.appendLine(msg);
    void vscode.window.showErrorMessage(msg);
    return undefined;
  }
}

class Cancelled extends Error {}
