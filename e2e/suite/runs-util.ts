// Helpers for the tests of running and monitoring: the extension's API (its activate() result), the Runs view's
// provider and the metrics view's render report, and the stand-in launchers the harness puts in place
// (e2e/harness/stand-ins.js).
import * as assert from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { activeExtension, EXTENSION_ID, EXTENSION_ROOT, waitFor, workspaceRoot } from './util';

// ---- the extension's types, as far as the tests use them (client/src/host/runs.ts, views/*.ts) --------------------

export interface LaunchCommand {
  argv: string[];
  env: Record<string, string>;
  cwd: string;
}

export interface RunRecord {
  id: string;
  name: string;
  kind: 'train' | 'export' | 'infer';
  configPath?: string;
  command: LaunchCommand;
  commandLine: string;
  startedAt: string;
  session?: string;
  logFile: string;
  exitFile: string;
  outputDir?: string;
  exitCode?: number | null;
}

export interface LaunchResult {
  run: RunRecord;
  terminal: vscode.Terminal;
}

export interface RunNode {
  kind: 'output' | 'run' | 'checkpoint' | 'file' | 'record';
  label: string;
  fsPath: string | undefined;
  description?: string;
  state?: string;
  record?: RunRecord;
}

export interface RunsTree {
  getChildren(node?: RunNode): Promise<RunNode[]>;
  getTreeItem(node: RunNode): vscode.TreeItem;
}

export interface RenderedReport {
  charts: number;
  points: number;
  drawnPoints: number;
}

interface Launcher {
  store: { get(id: string): RunRecord | undefined };
  runningRuns(): Promise<RunRecord[]>;
}

/**
 * What activate() returns. `runsTree` and `metricsRendered` are not part of it yet: until they are, the tests reach
 * the same objects through the extension's own launcher bundle (below).
 */
export interface ExtensionApi {
  languageId: string;
  launcher(): Launcher;
  runsTree?(): RunsTree;
  metricsRendered?(): RenderedReport | undefined;
}

export async function extensionApi(): Promise<ExtensionApi> {
  const ext = await activeExtension();
  const api = ext.exports as unknown as ExtensionApi;
  assert.ok(api && typeof api.launcher === 'function', 'activate() returns no launcher()');
  return api;
}

/**
 * dist/launcher.js of the extension under test: the module the extension itself loads (Node's module cache is shared
 * by everything in the extension host), so its classes and static state are the extension's.
 */
function launcherBundle(): {
  RunsTreeProvider: new (store: unknown, running: () => Promise<RunRecord[]>) => RunsTree;
  MetricsPanel: { lastRendered: RenderedReport | undefined };
} {
  const root = vscode.extensions.getExtension(EXTENSION_ID)?.extensionPath ?? EXTENSION_ROOT;
  return require(path.join(root, 'dist', 'launcher.js'));
}

/** The Runs view's data provider: the extension's own when the API offers it, else one built the way it builds it. */
export async function runsTree(): Promise<RunsTree> {
  const api = await extensionApi();
  if (typeof api.runsTree === 'function') return api.runsTree();
  const launcher = api.launcher();
  return new (launcherBundle().RunsTreeProvider)(launcher.store, () => launcher.runningRuns());
}

/** what the metrics view reported when it last drew (MetricsPanel.lastRendered) */
export async function metricsRendered(): Promise<RenderedReport | undefined> {
  const api = await extensionApi();
  if (typeof api.metricsRendered === 'function') return api.metricsRendered();
  return launcherBundle().MetricsPanel.lastRendered;
}

/** a tree node with its item, for assertions */
export async function treeChildren(tree: RunsTree, node?: RunNode): Promise<Array<{ node: RunNode; item: vscode.TreeItem }>> {
  return (await tree.getChildren(node)).map((n) => ({ node: n, item: tree.getTreeItem(n) }));
}

export function iconId(item: vscode.TreeItem): string | undefined {
  return item.iconPath instanceof vscode.ThemeIcon ? item.iconPath.id : undefined;
}

// ---- the stand-ins (e2e/harness/stand-ins.js) ---------------------------------------------------------------------

/** set by the harness; undefined when the suite runs without it (then the Train tests skip) */
export const STANDIN_DIR = process.env.E2E_STANDIN_DIR;
export const STANDIN_PYTHON = process.env.E2E_STANDIN_PYTHON;
export const STANDIN_ON_PATH = process.env.E2E_STANDIN_ON_PATH;

export interface StandInRecord {
  program: string;
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  pid: number;
}

function recordsDir(): string {
  assert.ok(STANDIN_DIR, 'E2E_STANDIN_DIR is not set (the harness puts the stand-ins in place)');
  return path.join(STANDIN_DIR, 'records');
}

/** the names of the records written so far */
export function recordNames(): Set<string> {
  try {
    return new Set(fs.readdirSync(recordsDir()).filter((n) => n.endsWith('.json')));
  } catch {
    return new Set();
  }
}

/** waits for the one record a stand-in writes after `before` was taken */
export async function newRecord(before: Set<string>, ms = 20000): Promise<StandInRecord> {
  const name = await waitFor('a stand-in launcher to start (its record)', () => [...recordNames()].find((n) => !before.has(n)), ms, 100);
  const fresh = [...recordNames()].filter((n) => !before.has(n));
  assert.strictEqual(fresh.length, 1, `one launcher started, not ${fresh.length}: ${fresh.join(', ')}`);
  return JSON.parse(fs.readFileSync(path.join(recordsDir(), name), 'utf8')) as StandInRecord;
}

/** how the next stand-in behaves: wait `sleepMs` (a run that is still going), then exit with `exitCode` */
export function standInControl(c: { sleepMs?: number; exitCode?: number } | undefined): void {
  const file = path.join(STANDIN_DIR!, 'control.json');
  if (c) fs.writeFileSync(file, JSON.stringify(c));
  else fs.rmSync(file, { force: true });
}

/** `ms-swift-studio command FILE --format json` from the workspace folder */
export function cliCommandJson(rel: string): LaunchCommand {
  return JSON.parse(execFileSync(process.execPath, [path.join(EXTENSION_ROOT, 'dist', 'cli.js'), 'command', rel, '--format', 'json'],
    { cwd: workspaceRoot().fsPath, encoding: 'utf8' })) as LaunchCommand;
}

/** `ms-swift-studio command FILE --shell SHELL` (one line for single-node configs) */
export function cliCommandLine(rel: string, shell: string): string {
  return execFileSync(process.execPath, [path.join(EXTENSION_ROOT, 'dist', 'cli.js'), 'command', rel, '--shell', shell],
    { cwd: workspaceRoot().fsPath, encoding: 'utf8' }).trim();
}

/** tmux of the suite's own server (the harness sets TMUX_TMPDIR for the whole server) */
export function tmux(args: string[]): { code: number | null; stdout: string } {
  const r = spawnSync('tmux', args, { encoding: 'utf8', timeout: 5000 });
  return { code: r.error ? null : r.status, stdout: r.stdout ?? '' };
}

export function tmuxAvailable(): boolean {
  return tmux(['-V']).code === 0;
}

export function sessionExists(session: string): boolean {
  return tmux(['has-session', '-t', `=${session}`]).code === 0;
}
